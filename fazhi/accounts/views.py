"""accounts views (sign-in lives in core until the workbench issue)."""
