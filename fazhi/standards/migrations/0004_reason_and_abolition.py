"""Each version keeps the reason it was added or revised for (until now only the audit row had
it), and a standard can be abolished (废除) with a date, a reason and who did it.

The reasons of the versions written before are copied from their audit rows (``standard.create``
and ``standard.revise`` carry the version and the reason); the pack's standards say where they
came from."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

PACK_SOURCE = "随巡查规则包发布"


def reasons_from_audit(apps: Any, schema_editor: Any) -> None:
    standard = apps.get_model("standards", "Standard")
    event = apps.get_model("core", "AuditEvent")
    for row in event.objects.filter(
        action__in=["standard.create", "standard.revise"], target_type="standard"
    ).order_by("seq"):
        details = row.details or {}
        reason = str(details.get("reason") or "").strip()
        if reason and details.get("version"):
            standard.objects.filter(
                code=row.target_id, version=details["version"], reason=""
            ).update(reason=reason)
    standard.objects.filter(source=PACK_SOURCE, version=1, reason="").update(reason=PACK_SOURCE)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0003_pack_source_in_chinese"),
        ("core", "0007_submission"),
    ]

    operations = [
        migrations.AddField(
            model_name="standard",
            name="abolished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="废除登记时间"),
        ),
        migrations.AddField(
            model_name="standard",
            name="abolished_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="废除人"),
        ),
        migrations.AddField(
            model_name="standard",
            name="abolished_on",
            field=models.DateField(blank=True, null=True, verbose_name="废除日期"),
        ),
        migrations.AddField(
            model_name="standard",
            name="abolition_reason",
            field=models.TextField(blank=True, verbose_name="废除理由"),
        ),
        migrations.AddField(
            model_name="standard",
            name="reason",
            field=models.TextField(
                blank=True, help_text="新增或发布本版本的理由", verbose_name="修订理由"
            ),
        ),
        migrations.RunPython(reasons_from_audit, migrations.RunPython.noop),
    ]
