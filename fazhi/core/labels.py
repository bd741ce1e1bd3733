"""Chinese labels of the codes that data carries (record types such as ``venue_visit``, the
categories of a lexicon such as ``mental_illness``): one table, filled at start-up by the app
that owns each code (``register_labels`` in its ``AppConfig.ready()``), read by the formatters
of every page and export (``fazhi.core.templatetags.display``). ``core`` is the lowest layer, so
it cannot name the codes itself; a code nobody registered is shown as it is, and the page walk
(``workbench/tests/test_walk.py``) finds it."""

from __future__ import annotations

from collections.abc import Mapping

LABELS: dict[str, dict[str, str]] = {}
# every kind together: the values inside a finding's facts carry no kind
_ANY: dict[str, str] = {}


def register_labels(kind: str, labels: Mapping[str, str]) -> None:
    """Declare the Chinese label of each code of ``kind`` ("record_type", "cue" …)."""
    LABELS.setdefault(kind, {}).update(labels)
    _ANY.update(labels)


def label(value: object, kind: str = "") -> str:
    """The label of ``value`` (of ``kind``, or of any kind); the value itself when unknown."""
    text = "" if value is None else str(value)
    table = LABELS.get(kind) if kind else _ANY
    return (table or {}).get(text, text)


def known(value: object) -> bool:
    return isinstance(value, str) and value in _ANY
