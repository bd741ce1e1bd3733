"""synth state changes (service functions)."""
