"""patrol views."""
