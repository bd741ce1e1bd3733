"""A pass's lexicon additions measured on writers they were not read from.

    nice -n 19 .venv/bin/python bench/text_lexicon_lowo.py bench/text_pass7_changes.json
    nice -n 19 .venv/bin/python bench/text_lexicon_lowo.py CHANGES.json --now   # on today's files

Seventh pass of issue 17 (docs/benchmarks.md, "Text intelligence, seventh pass"). A change read
from one writer's errors is kept only when it also helps a writer it was not read from. Each
change of the JSON file (``{name: [[table, kind, [words…]], …]}``; ``table`` a dotted table of
scope.toml, or ``negation.toml|words`` for another file) is added, alone, to the lexicon files as
they were before each writer was read (``text_eval.SNAPSHOTS``, today's matching code), and that
writer's incidents are scored with the lexicon alone (the learned model was trained on every
writer). ``--now`` adds it to today's files instead and scores every writer. Printed per writer:
P/R before and with the change, and the texts it turned (false positives fixed or added, true
positives lost or gained) for each rule.

Eighth pass: a change may also touch the pattern and folding files, which are not tables of
lists and are edited as text (so that a snapshot keeps its own comments, groups and patterns):

* ``["patterns.toml|groups", "KILL", [words…]]`` adds words to a group of ``[groups]``;
* ``["patterns.toml|seq", "NAME.I", [words…]]`` adds alternatives to part ``I`` (from 0) of the
  pattern ``NAME`` (a snapshot without that pattern is left as it is);
* ``["patterns.toml|pattern", "NAME", "[[pattern]] …"]`` appends a whole pattern (TOML text,
  with its examples and counter-examples; left out where the snapshot already has ``NAME``);
* ``["fold.toml|pairs", "", ["繁简", …]]`` adds folding pairs, each a traditional character and
  its simplified form.

``--write`` applies the changes of the file's *last* entry to today's lexicon files (how the
pass's kept changes are written into ``fazhi/intel/lexicons/``: one source for both).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings_test")

import django

django.setup()

from django.test.utils import override_settings  # noqa: E402
from text_eval import ROOT, SNAPSHOTS, _snapshot  # noqa: E402

from fazhi.intel import lexicon, quality  # noqa: E402

RULES = ("ZN-JF-02", "ZN-JQ-01")
FILES = ("scope.toml", "negation.toml", "patterns.toml", "fold.toml")
TABLE_FILES = ("scope.toml", "negation.toml")


def _dump(data: dict[str, Any], prefix: str = "") -> list[str]:
    """A TOML text of tables of string lists (the shape of scope.toml and negation.toml)."""
    out: list[str] = []
    plain = {k: v for k, v in data.items() if not isinstance(v, dict)}
    if plain and prefix:
        out.append(f"[{prefix}]")
    for key, value in plain.items():
        items = value if isinstance(value, list) else [value]
        out.append(f"{key} = [" + ", ".join(json.dumps(x, ensure_ascii=False) for x in items) + "]")
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_dump(value, f"{prefix}.{key}" if prefix else key))
    return out


def _toml_list(words: list[str]) -> str:
    return "[" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"


def _add_to_group(text: str, group: str, words: list[str]) -> str:
    """``text`` (patterns.toml) with ``words`` added to the one-line group ``group``."""
    found = re.search(rf"^{group} = (\[.*\])$", text, re.M)
    if found is None:
        raise SystemExit(f"patterns.toml: no one-line group {group}")
    old: list[str] = json.loads(found.group(1))
    added = old + [w for w in words if w not in old]
    return text[: found.start()] + f"{group} = {_toml_list(added)}" + text[found.end() :]


def _add_to_part(text: str, where: str, words: list[str]) -> str:
    """``text`` with ``words`` added to part ``I`` of the pattern ``NAME`` (``where`` = NAME.I)."""
    name, index = where.rsplit(".", 1)
    block = re.search(rf'^name = "{re.escape(name)}"$.*?^seq = (\[[^\n]*\])$', text, re.M | re.S)
    if block is None:
        return text  # the snapshot has no such pattern yet
    seq: list[str] = json.loads(block.group(1))
    parts = seq[int(index)].split("|")
    seq[int(index)] = "|".join(parts + [w for w in words if w not in parts])
    return text[: block.start(1)] + _toml_list(seq) + text[block.end(1) :]


def _add_fold(text: str, pairs: list[str]) -> str:
    """fold.toml with each pair (traditional, simplified) added to its ``from`` and ``to``."""
    have = set("".join(str(tomllib.loads(text).get("fold", {}).get("from", "")).split()))
    new = [p for p in pairs if p[0] not in have] if text else []
    for key, chars in (("from", "".join(p[0] for p in new)), ("to", "".join(p[1] for p in new))):
        if chars:
            opening = text.index(f'{key} = """')
            closing = text.index('"""', opening + len(key) + 6)
            text = text[:closing] + "\n" + chars + text[closing:]
    return text


def apply_changes(originals: dict[str, str], additions: list[list[Any]]) -> dict[str, str]:
    """The lexicon files (name -> text) with one change's additions made."""
    tables = {f: tomllib.loads(originals[f]) if originals[f] else {} for f in TABLE_FILES}
    data = json.loads(json.dumps(tables))
    out = dict(originals)
    for where, kind, words in additions:
        file, table = where.split("|") if "|" in where else ("scope.toml", where)
        if file == "patterns.toml":
            if table == "groups":
                out[file] = _add_to_group(out[file], kind, words)
            elif table == "seq":
                out[file] = _add_to_part(out[file], kind, words)
            elif table == "pattern" and f'name = "{kind}"' not in out[file]:
                out[file] = out[file].rstrip("\n") + "\n\n" + words.strip("\n") + "\n"
            continue
        if file == "fold.toml":
            out[file] = _add_fold(out[file], words)
            continue
        node = data[file]
        for part in table.split("."):
            node = node.setdefault(part, {})
        node[kind] = node.get(kind, []) + [w for w in words if w not in node.get(kind, [])]
    for file, content in data.items():
        if content != tables[file]:
            out[file] = "\n".join(_dump(content)) + "\n"
    return out


Found = dict[tuple[str, str], set[str]]  # (text, category) -> the classes found as facts


def _score(folder: str) -> tuple[quality.CueReport, Found]:
    found: Found = {}

    def finder(text: str, category: str) -> set[str]:
        classes = quality.lexicon_classes(text, category)
        found[(text, category)] = classes
        return classes

    with override_settings(FAZHI_LEXICON_DIR=folder):
        lexicon.reload()
        try:
            return quality.evaluate_cues(finder), found
        finally:
            lexicon.reload()


def _classes_turned(before: Found, after: Found, rows: list[dict[str, Any]]) -> str:
    """Per class, the factual labels newly found (tp +) or lost, and the non-facts newly taken
    for facts (fp +) or no longer: a change may add a class to a text the rule flagged already."""
    moves: dict[str, list[int]] = {}
    for row in rows:
        for category in ("escalation", "offence"):
            key = (row["text"], category)
            b, a = before.get(key, set()), after.get(key, set())
            for cls in a ^ b:
                gold = row["labels"].get(cls) == "factual"
                counts = moves.setdefault(cls, [0, 0, 0, 0])
                counts[(0 if gold else 2) + (0 if cls in a else 1)] += 1
    return (
        ", ".join(
            f"{cls} tp +{c[0]}/-{c[1]} fp +{c[2]}/-{c[3]}" for cls, c in sorted(moves.items())
        )
        or "no class changed"
    )


def _row(report: quality.CueReport, writer: str) -> str:
    return "  ".join(
        f"{rule} {c.precision:.3f}/{c.recall:.3f} fp {c.fp} fn {c.fn}"
        for rule in RULES
        for c in [report.by_writer[rule][writer]]
    )


def _turned(before: quality.CueReport, after: quality.CueReport, ids: set[str]) -> str:
    parts = []
    for rule in RULES:
        b, a = before.flagged.get(rule, set()) & ids, after.flagged.get(rule, set()) & ids
        bh, ah = before.hits.get(rule, set()) & ids, after.hits.get(rule, set()) & ids
        parts.append(
            f"{rule} fp fixed {len((b - bh) - (a - ah))}, added {len((a - ah) - (b - bh))}; "
            f"tp lost {len(bh - ah)}, gained {len(ah - bh)}"
        )
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("changes", type=Path)
    parser.add_argument("--now", action="store_true", help="add to today's files, every writer")
    parser.add_argument(
        "--write", action="store_true", help="write the last entry into today's lexicon files"
    )
    args = parser.parse_args()
    changes: dict[str, list[list[Any]]] = json.loads(args.changes.read_text(encoding="utf-8"))
    if args.write:
        folder = ROOT / "fazhi/intel/lexicons"
        originals = {f: (folder / f).read_text(encoding="utf-8") for f in FILES}
        for file, text in apply_changes(originals, list(changes.values())[-1]).items():
            if text != originals[file]:
                (folder / file).write_text(text, encoding="utf-8")
                print(f"wrote {file}")
        return
    rows = quality.incidents()
    firsts: dict[str, str] = {}
    for writer, commit, _ in SNAPSHOTS:
        firsts.setdefault(writer, commit)
    # (writers, commit): with --now every writer is scored in one pass over today's files
    dev_writers = sorted({r["writer"] for r in rows if r["split"] == "dev"})
    targets = (
        [(dev_writers, "now")]
        if args.now
        else [([w], c) for w, c in firsts.items() if w != "w1"]  # w1's: no scope file yet
    )
    for writers, commit in targets:
        with tempfile.TemporaryDirectory() as tmp:
            if commit == "now":
                for path in (ROOT / "fazhi/intel/lexicons").glob("*.toml"):
                    shutil.copy(path, tmp)
            else:
                _snapshot(commit, Path(tmp))
            originals = {f: (Path(tmp) / f).read_text(encoding="utf-8") for f in FILES}
            base, base_found = _score(tmp)
            for writer in writers:
                print(f"{writer} ({commit}) before  {_row(base, writer)}")
            for name, additions in changes.items():
                for file, text in apply_changes(originals, additions).items():
                    (Path(tmp) / file).write_text(text, encoding="utf-8")
                report, found = _score(tmp)
                print(f"  + {name}:")
                for writer in writers:
                    ids = {r["id"] for r in rows if r["writer"] == writer}
                    writer_rows = [r for r in rows if r["writer"] == writer]
                    print(
                        f"    {writer}: {_row(report, writer)}\n      {_turned(base, report, ids)}"
                    )
                    print(f"      classes: {_classes_turned(base_found, found, writer_rows)}")
                for file, text in originals.items():
                    (Path(tmp) / file).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
