"""synth views."""
