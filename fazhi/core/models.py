"""core models."""
