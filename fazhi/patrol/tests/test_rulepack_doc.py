from pathlib import Path

from fazhi.patrol.management.commands.rulepack import render

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_docs_rules_md_is_generated_from_the_pack() -> None:
    # docs must stay true: regenerate with `fazhi rulepack doc > docs/rules.md`
    assert DOC.read_text(encoding="utf-8").rstrip("\n") == render("cn-police-2026").rstrip("\n")


def test_the_packs_laws_are_the_ones_pages_cite_by_short_name() -> None:
    # given the pack's [laws] table (abbreviation → full title, in 《》)
    import tomllib

    from fazhi.core.laws import LAWS
    from fazhi.patrol.pack import PACK_DIR

    laws = tomllib.loads((PACK_DIR / "cn-police-2026.toml").read_text(encoding="utf-8"))["laws"]
    # then every law with articles that core.laws knows has the same full title there, so that
    # a rule's basis reads 《刑事诉讼法》第85条 with the abbreviation in the tooltip
    for abbreviation, (short, title) in LAWS.items():
        assert laws[abbreviation] == f"《{title}》", abbreviation
        assert short in title
