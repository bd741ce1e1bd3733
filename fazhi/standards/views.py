"""standards views."""
