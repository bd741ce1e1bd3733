# The hash-chained audit log: seq / prev_hash / hash on every row, a head row, and the rows
# written before the chain existed chained in the order they were written.

import django.utils.timezone
from django.db import migrations, models

BATCH = 2000


def chain_existing_rows(apps, schema_editor):
    from fazhi.core.audit import GENESIS_HASH, HEAD_ID, event_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    seq, prev_hash = 0, GENESIS_HASH
    batch = []
    for event in AuditEvent.objects.using(db).order_by("at", "id").iterator(chunk_size=BATCH):
        seq += 1
        event.seq = seq
        event.prev_hash = prev_hash
        event.hash = event_hash(
            seq=seq, at=event.at, actor=event.actor, action=event.action,
            target_type=event.target_type, target_id=event.target_id,
            remote_addr=event.remote_addr, details=event.details or {}, prev_hash=prev_hash,
        )
        prev_hash = event.hash
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    AuditHead.objects.using(db).update_or_create(
        pk=HEAD_ID, defaults={"seq": seq, "hash": prev_hash}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_lease"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0, verbose_name="最后序号")),
                ("hash", models.CharField(max_length=64, verbose_name="最后哈希")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
            },
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["-seq"], "verbose_name": "审计日志", "verbose_name_plural": "审计日志"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="前一哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="序号"),
        ),
    ]
