"""The hash chain of the audit log, and its verification (``fazhi audit verify``).

Every ``AuditEvent`` carries a gapless ``seq``, the ``prev_hash`` of the row before it and its own
``hash``: SHA-256 over a canonical JSON of its content and ``prev_hash``. A single ``AuditHead``
row holds the last ``seq`` and ``hash`` and is updated in the same transaction as each append. So

- changing any column of a row breaks that row's hash;
- recomputing the hash of a changed row breaks the link from the next row;
- deleting a row leaves a gap in ``seq``;
- deleting the newest rows leaves the head pointing past the end of the chain.

Someone with write access to the database can still rebuild the whole chain; what defeats that is
the head hash written down outside the database (``fazhi audit head``, e.g. in the daily log book
or notarised): a rebuilt chain no longer passes through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
HEAD_ID = 1
# Problems listed in a report; the scan goes on to the end and counts the rest.
MAX_PROBLEMS = 20


def normalize_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """``details`` as it will read back from the JSON column (dates, decimals … as strings)."""
    if not details:
        return {}
    result = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    if not isinstance(result, dict):
        raise TypeError("审计详情必须是字典")
    return result


def _canonical_numbers(value: Any) -> Any:
    # PostgreSQL's jsonb reads 1e20 back as 100000000000000000000 and 2.0 as 2.0; hashing every
    # integral float as an int makes the hash independent of how the database spells a number.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(v) for v in value]
    return value


def iso_utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    remote_addr: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of one audit row. Never change this: every stored
    chain depends on it."""
    payload = {
        "seq": seq,
        "at": iso_utc(at),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "remote_addr": remote_addr,
        "details": _canonical_numbers(details),
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # altered | link | gap | head | order
    seq: int | None
    message: str


@dataclass
class VerifyReport:
    rows: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str = ""
    head_seq: int | None = None
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, kind: str, seq: int | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(kind, seq, message))

    def lines(self) -> list[str]:
        """The report in Chinese, one line each."""
        out = [
            f"审计日志共 {self.rows} 条"
            + (f"（序号 {self.first_seq}–{self.last_seq}）" if self.rows else ""),
            f"链头：序号 {self.head_seq if self.head_seq is not None else '无'}，"
            f"哈希 {self.head_hash or '无'}",
        ]
        if self.ok:
            out.append("校验通过：哈希链完整，未发现篡改或删除。")
            return out
        out.append(f"校验失败：发现 {self.problem_count} 处问题。")
        for problem in self.problems:
            out.append(f"  - {problem.message}")
        if self.problem_count > len(self.problems):
            out.append(f"  … 另有 {self.problem_count - len(self.problems)} 处未列出")
        return out


def _rows(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    from fazhi.core.models import AuditEvent

    return (
        AuditEvent.objects.order_by("seq")
        .values_list(
            "seq",
            "at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "remote_addr",
            "details",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=chunk_size)
    )


def verify_chain(*, chunk_size: int = 2000) -> VerifyReport:
    """Check the whole chain in ``seq`` order, streaming (constant memory)."""
    from fazhi.core.models import AuditHead

    report = VerifyReport()
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    if head is not None:
        report.head_seq, report.head_hash = head.seq, head.hash
    prev_seq = 0
    prev_hash = GENESIS_HASH
    for seq, at, actor, action, target_type, target_id, remote_addr, details, p_hash, h in _rows(
        chunk_size
    ):
        report.rows += 1
        if report.first_seq is None:
            report.first_seq = seq
        if seq < 1:
            # numbered before the chain's start: an inserted row, not part of the links
            report.add("order", seq, f"序号 {seq} 不在链中（序号从 1 起）：记录被插入或序号被改动")
            continue
        if seq != prev_seq + 1:
            missing = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1}–{seq - 1}"
            report.add("gap", seq, f"序号 {missing} 缺失：审计记录被删除（在序号 {seq} 之前）")
        elif p_hash != prev_hash:
            before = f"序号 {prev_seq} 的哈希" if prev_seq else "起始值"
            report.add("link", seq, f"序号 {seq} 的前一哈希与{before}不符：链条断裂")
        expected = event_hash(
            seq=seq, at=at, actor=actor, action=action, target_type=target_type,
            target_id=target_id, remote_addr=remote_addr, details=details or {},
            prev_hash=p_hash,
        )  # fmt: skip
        if expected != h:
            report.add("altered", seq, f"序号 {seq} 的内容与其哈希不符：记录被修改")
        prev_seq, prev_hash = seq, h
    report.last_seq = prev_seq if report.rows else None
    report.last_hash = prev_hash if report.rows else ""
    if head is None:
        if report.rows:
            report.add("head", None, "链头记录缺失：无法确认末尾记录是否被删除")
    elif head.seq != prev_seq or head.hash != prev_hash:
        if head.seq > prev_seq:
            report.add(
                "head", head.seq,
                f"链头为序号 {head.seq}，但最后一条记录为序号 {prev_seq}：末尾记录被删除",
            )  # fmt: skip
        else:
            report.add(
                "head", head.seq,
                f"链头（序号 {head.seq}）与最后一条记录（序号 {prev_seq}）不符：链头或末尾被改动",
            )  # fmt: skip
    return report
