"""standards models."""
