"""standards state changes (service functions)."""
