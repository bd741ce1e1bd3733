"""The apps' layers: imports run one way only, downwards, in the order drawn in
docs/architecture.md; no app looks another up by a dotted path or guards against its absence."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the fazhi package

# Lowest first. An app may import only apps before it in this list.
LAYERS = [
    "core",
    "records",
    "accounts",
    "exchange",
    "synth",
    "intel",
    "patrol",
    "standards",
    "notifications",
    "rectification",
    "dailycheck",
    "disputes",
    "tuning",
    "custody",
    "servicedesk",
    "gongkai",
    "evaluation",
    "review",
    "search",
    "screen",
    "reports",
    "workbench",
    "api",
    "ops",
]


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


def _app_sources() -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or parts[0] not in _apps() or {"tests", "migrations"} & set(parts):
            continue
        out.append((parts[0], path, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _imported_apps(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            # "from fazhi import records" names the app in the imported names
            if node.module == "fazhi":
                names = [f"fazhi.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "fazhi":
                found.append((parts[1], node.lineno))
    return found


def test_every_app_has_a_layer() -> None:
    assert sorted(LAYERS) == _apps(), "docs/architecture.md 的层次表与 fazhi/ 下的应用须一致"


def test_imports_run_downwards_only() -> None:
    # Given every module of every app (tests and migrations aside), when its imports of other
    # fazhi apps are read, then each names an app of a lower layer.
    rank = {app: i for i, app in enumerate(LAYERS)}
    upward = [
        f"{path.relative_to(ROOT.parent)}:{line} imports fazhi.{target} (above {app})"
        for app, path, tree in _app_sources()
        for target, line in _imported_apps(tree)
        if target in rank and target != app and rank[target] > rank[app]
    ]
    assert upward == []


def test_no_app_is_looked_up_by_name_or_guarded_against_absence() -> None:
    found = []
    for _, path, tree in _app_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if name in ("import_module", "__import__", "import_string"):
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {name}")
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                if "ImportError" in caught or "ModuleNotFoundError" in caught:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} except {caught}")
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from fazhi.patrol.models import Finding", [("patrol", 1)]),
        ("import fazhi.records.models", [("records", 1)]),
        ("from fazhi import rectification", [("rectification", 1)]),
        ("from django.db import models", []),
    ],
)
def test_the_import_reader_sees_every_form_of_import(source: str, expected: list) -> None:
    # The check above is only as good as this reader: each form of import is recognised.
    assert _imported_apps(ast.parse(source)) == expected
