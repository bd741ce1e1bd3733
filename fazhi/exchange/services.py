"""exchange state changes (service functions)."""
