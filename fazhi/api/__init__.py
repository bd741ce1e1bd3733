"""The JSON API (django-ninja) with its OpenAPI schema: the same data scope as the pages."""
