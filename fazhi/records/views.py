"""records views."""
