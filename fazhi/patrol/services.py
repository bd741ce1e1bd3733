"""patrol state changes (service functions)."""
