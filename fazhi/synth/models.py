"""synth models."""
