"""core has no pages of its own any more: the first page is 我的工作台 (fazhi.workbench), and
sign-in uses Django's views with core's template (see urls.py)."""
