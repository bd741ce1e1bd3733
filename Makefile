# fazhi — the two commands of the README are `make demo` and `make test`.
# Only Python 3.11+, make and git are assumed; uv is installed into .tools/ when missing.

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
UV_VERSION := 0.13.9

.PHONY: demo test lint check sync
.DEFAULT_GOAL := demo

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

sync: .venv/.synced

demo: .venv/.synced
	$(UV) run fazhi demo

test: .venv/.synced
	$(UV) run pytest

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy fazhi
	DJANGO_SETTINGS_MODULE=fazhi.settings_test $(UV) run python manage.py makemigrations --check --dry-run

check: lint test
