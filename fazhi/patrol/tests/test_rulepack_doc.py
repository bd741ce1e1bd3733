from pathlib import Path

from fazhi.patrol.management.commands.rulepack import render

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_docs_rules_md_is_generated_from_the_pack() -> None:
    # docs must stay true: regenerate with `fazhi rulepack doc > docs/rules.md`
    assert DOC.read_text(encoding="utf-8").rstrip("\n") == render("cn-police-2026").rstrip("\n")
