"""Standards loaded from the rule pack said where they came from by the pack's code
("规则包 cn-police-2026"), which every officer reads on the standard's page; they now say it in
Chinese, as ``services.sync_pack_standards`` writes it. A bureau's own sources are left alone."""

from __future__ import annotations

from typing import Any

from django.db import migrations

PACK_SOURCE = "随巡查规则包发布"


def forwards(apps: Any, schema_editor: Any) -> None:
    standard = apps.get_model("standards", "Standard")
    standard.objects.filter(source__startswith="规则包 cn-police-").update(source=PACK_SOURCE)


class Migration(migrations.Migration):
    dependencies = [("standards", "0002_chinese_labels")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
