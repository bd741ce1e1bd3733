"""Test scenes shared by the apps' tests (not an app: the layer order does not apply, as it
does not to tests). ``fazhi/conftest.py`` registers their fixtures."""
