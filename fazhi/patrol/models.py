"""patrol models."""
