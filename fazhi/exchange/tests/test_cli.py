"""``fazhi import`` and ``fazhi export``: output, exit status, progress bar."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from fazhi.cli import main
from fazhi.core.models import AuditEvent
from fazhi.exchange.management.console import ProgressBar
from fazhi.records import models as m

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_summary_per_type(clean, bundle) -> None:
    # given the example bundle, and chenjing a platform user (--actor names one)
    path = bundle(clean)
    get_user_model().objects.create_user("chenjing")
    # when imported through the command
    out, _err = run("fzx_import", str(path), "--actor", "chenjing")
    # then the summary table lists the created records per type
    assert "新增" in out
    assert "拒绝" in out
    assert "执法行为 event" in out
    assert "共读取 48 条记录；导入完成。" in out
    assert m.Case.objects.count() == 2
    assert AuditEvent.objects.get(action="import").actor == "chenjing"


def test_import_as_an_unknown_user_is_refused_and_without_actor_runs_as_system(
    clean, bundle
) -> None:
    path = bundle(clean)
    # an --actor that names no platform user is refused before anything is read
    with pytest.raises(CommandError, match="--actor：用户 ghost 不存在"):
        run("fzx_import", str(path), "--actor", "ghost")
    assert m.Case.objects.count() == 0
    # without --actor (cron) the import is done as the system account
    run("fzx_import", str(path))
    assert AuditEvent.objects.get(action="import").actor == "system"


def test_a_refused_import_prints_every_error_and_fails(clean, bundle, changed) -> None:
    # given a bundle with two bad records
    records = changed(clean, "C-OK", kind="民事")
    records = changed(records, "A-OK", status="办结")
    path = bundle(records, name="bad.jsonl")
    # when imported through the command, it fails (exit status 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="导入被拒绝：2 条记录有错误，未写入任何数据"):
        call_command("fzx_import", str(path), stdout=out)
    # and every error was printed with its line
    printed = out.getvalue()
    assert "bad.jsonl 第17行：案件 C-OK 字段 kind" in printed
    assert "bad.jsonl 第37行：案件 A-OK 字段 status" in printed
    assert not m.Case.objects.exists()


def test_skip_invalid_stores_the_rest_and_still_fails(clean, bundle, changed) -> None:
    # given a bundle with one bad event
    records = changed(clean, "A-OK-END", kind="归档")
    out = io.StringIO()
    # when imported with --skip-invalid, the command still fails (something was refused)
    with pytest.raises(CommandError, match="1 条有错误的记录被拒绝"):
        call_command("fzx_import", str(bundle(records)), "--skip-invalid", stdout=out)
    # then the other records are stored and the summary says what was skipped
    assert m.Event.objects.count() == 14
    assert "跳过 1 条有错误的记录" in out.getvalue()


def test_a_missing_file_is_a_command_error(tmp_path) -> None:
    # given a path that does not exist, when imported, then the command fails naming it
    with pytest.raises(CommandError, match="找不到文件或目录"):
        call_command("fzx_import", str(tmp_path / "nope.jsonl"))


# Django closes the database connection after a command run from the command line, which
# would end the test's own transaction: these tests commit for real (and are cleaned up).
@pytest.mark.django_db(transaction=True)
def test_fazhi_import_exit_status_through_the_console_script(clean, bundle, changed, capsys):
    # given a good and a bad bundle
    good = bundle(clean)
    bad = bundle(changed(clean, "C-OK", kind="民事"), name="bad.jsonl")
    # when the bad one is imported with `fazhi import`, the process exits with status 1
    with pytest.raises(SystemExit) as exit_info:
        main(["fazhi", "import", str(bad)])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "bad.jsonl 第17行：案件 C-OK 字段 kind" in captured.out
    assert "导入被拒绝" in captured.err
    # and the good one imports without an exit
    main(["fazhi", "import", str(good)])
    assert "导入完成" in capsys.readouterr().out
    assert m.Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_fazhi_export_writes_the_bundle(clean, bundle, tmp_path, capsys) -> None:
    # given a store
    main(["fazhi", "import", str(bundle(clean))])
    capsys.readouterr()
    # when exported through the console script
    out = tmp_path / "all.jsonl.gz"
    main(["fazhi", "export", str(out)])
    # then the file holds every record and the counts are printed
    assert "共导出 48 条记录" in capsys.readouterr().out
    report_out, _ = run("fzx_import", str(out))
    assert "未变" in report_out


def test_export_refuses_an_unknown_file_kind(tmp_path) -> None:
    # given an output name that is not .jsonl[.gz], when exported, then the command refuses
    with pytest.raises(CommandError, match=r"\.jsonl"):
        call_command("fzx_export", str(tmp_path / "all.csv"))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_share_count_and_the_end_of_reading() -> None:
    # given a bar over 1000 records on a terminal
    screen = FakeTerminal()
    bar = ProgressBar(OutputWrapper(screen), total=1000)
    bar.INTERVAL = 0
    # when 500 are read, then all, then reading ends (the same count again)
    bar.update(500)
    assert "50%" in screen.getvalue()
    assert "500 条" in screen.getvalue()
    bar.update(1000)
    bar.update(1000)
    assert screen.getvalue().rstrip().endswith("正在校验引用并写入…")
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[K")


def test_the_import_command_draws_the_bar_on_a_terminal(clean, bundle) -> None:
    # given stderr on a terminal
    err = FakeTerminal()
    # when a bundle is imported, then the bar was drawn there, up to the end of reading
    call_command("fzx_import", str(bundle(clean)), stdout=io.StringIO(), stderr=err)
    assert "已读取 48 条" in err.getvalue()
    assert m.Case.objects.count() == 2
