"""exchange views."""
