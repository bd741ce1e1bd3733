"""执法公开's state changes: issuing a case's query code (staff), and the public's query,
rating and complaint (authorised by the code and the phone's last four digits, not by a user).

Indistinguishable refusals: a wrong code, a wrong phone tail, a case not to be disclosed
(``disclosable`` false) and a case involving a minor all end in the same ``Verdict.REFUSED``,
after the same queries (the code is looked up and the case's eligibility checked whatever the
outcome), and count as a failure against the client's address and the code alike.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.services import record_audit
from fazhi.gongkai import codes, throttle
from fazhi.gongkai.error_codes import ErrorCode
from fazhi.gongkai.milestones import Step, steps
from fazhi.gongkai.models import Milestone, QueryCode, Rating
from fazhi.gongkai.permissions import require_issue
from fazhi.patrol.checks.conditions import ADULT, with_age_gap
from fazhi.records import enums
from fazhi.records import models as m

PARTY_ROLES = (enums.PersonRole.REPORTER, enums.PersonRole.VICTIM)
_TICKET_SALT = "fazhi.gongkai.ticket"
_ACCESS_SALT = "fazhi.gongkai.access"
TICKET_AGE = timedelta(minutes=15)


class GongkaiError(DomainError):
    """A refused act on the portal or on a query code."""


# --- eligibility ----------------------------------------------------------------------------


def has_minor(case_id: str) -> bool:
    """Whether a person of the case was under 18 on the day the case was accepted (birth date
    recorded, else read from the 身份证号, as the patrol's minor checks do)."""
    qs = with_age_gap(m.Person.objects.filter(case_id=case_id), "case__accepted_at", "")
    return qs.filter(_birth__isnull=False, _age_gap__lt=ADULT).exists()


def eligible(case_id: str) -> bool:
    """Whether the case may be shown on the portal at all: not marked undisclosable, and no minor
    among its persons. Two queries whatever the case (an unknown id included)."""
    disclosable = m.Case.objects.filter(pk=case_id).exclude(disclosable=False).exists()
    minor = has_minor(case_id)
    return disclosable and not minor


def parties(case: m.Case) -> list[m.Person]:
    """The persons a code may be issued to: the case's 报案人 and 被害人 with a phone."""
    return [
        p
        for p in case.persons.filter(role__in=PARTY_ROLES).order_by("role", "pk")
        if codes.phone_tail(p.phone)
    ]


# --- issuing (staff) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    code: str  # in clear: shown once, never stored
    row: QueryCode
    replaced: bool


def issue_code(*, actor: Any, case: m.Case, person_id: str, now: datetime | None = None) -> Issued:
    """Issue a new query code of ``case`` to its 报案人/被害人 ``person_id``; the case's code
    issued before, if any, stops working."""
    require_issue(case, actor)
    now = now or timezone.now()
    person = m.Person.objects.filter(pk=person_id, case_id=case.pk, role__in=PARTY_ROLES).first()
    if person is None:
        raise GongkaiError(
            ErrorCode.PERSON_INVALID,
            f"案件 {case.pk}：人员 {person_id} 不是本案的报案人或被害人",
            field="person",
        )
    if not codes.phone_tail(person.phone):
        raise GongkaiError(
            ErrorCode.NO_PHONE,
            f"案件 {case.pk}：{person.name}（{person.role}）未登记电话，"
            "查询时无法核验，不能签发查询码",
            field="person",
        )
    if case.disclosable is False:
        raise GongkaiError(
            ErrorCode.NOT_DISCLOSABLE, f"案件 {case.pk} 标记为不允许当事人查询，不签发查询码"
        )
    if has_minor(case.pk):
        raise GongkaiError(
            ErrorCode.MINOR, f"案件 {case.pk} 涉及未成年人，不提供网上查询，不签发查询码"
        )
    with transaction.atomic():
        replaced = QueryCode.objects.active().filter(case_id=case.pk).update(revoked_at=now) > 0
        code = codes.new_code()
        row = QueryCode.objects.create(
            case_id=case.pk, person_id=person.pk, digest=codes.digest(code), issued_at=now,
            issued_by=actor.get_username(),
        )  # fmt: skip
        record_audit(
            actor, AuditAction.GONGKAI_ISSUE, target_type="case", target_id=case.pk,
            details={"person": person.pk, "replaced": replaced, "code_id": row.pk},
        )  # fmt: skip
    return Issued(code, row, replaced)


def active_code(case: m.Case) -> QueryCode | None:
    return QueryCode.objects.active().filter(case_id=case.pk).first()


# --- the public's query ---------------------------------------------------------------------


def ticket_for(code_text: str) -> str:
    """Step 1 → step 2: the code's digest, signed, whatever the code (known or not)."""
    return signing.dumps(codes.digest(code_text), salt=_TICKET_SALT)


def ticket_digest(ticket: str) -> str | None:
    try:
        value = signing.loads(ticket, salt=_TICKET_SALT, max_age=TICKET_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def access_token(row: QueryCode) -> str:
    """After both factors: what the progress page's forms carry (no session is used)."""
    return signing.dumps([row.pk, row.digest[:16]], salt=_ACCESS_SALT)


class Verdict(StrEnum):
    SHOWN = "shown"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    code: QueryCode | None = None
    steps: tuple[Step, ...] = ()


def _floor(started: float) -> None:
    """Answer no sooner than the configured floor, so that what work remains uneven (the
    database's caches) hides under it."""
    rest = float(settings.GONGKAI_MIN_SECONDS) - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)


def public_actor() -> AnonymousUser:
    return AnonymousUser()


def is_locked(*, code_digest: str | None, remote_addr: str, now: datetime | None = None) -> bool:
    keys = [throttle.address_key(remote_addr)]
    if code_digest:
        keys.append(throttle.code_key(code_digest))
    return throttle.locked(keys, now or timezone.now())


def query(*, code_digest: str, tail: str, remote_addr: str, now: datetime | None = None) -> Answer:
    """Judge a query (the code's digest from the step-1 ticket, the phone's last four digits).
    Audited whatever the outcome, with the digest's prefix, never the code."""
    started = time.monotonic()
    now = now or timezone.now()
    keys = [throttle.address_key(remote_addr), throttle.code_key(code_digest)]
    audit = {"code": code_digest[:12]}
    if throttle.locked(keys, now):
        record_audit(
            public_actor(), AuditAction.GONGKAI_QUERY, target_type="case",
            remote_addr=remote_addr, details={**audit, "result": Verdict.LOCKED.value},
        )  # fmt: skip
        return Answer(Verdict.LOCKED)
    row = (
        QueryCode.objects.active().filter(digest=code_digest)
        .select_related("case", "person", "case__unit").first()
    )  # fmt: skip
    tail_ok = codes.tail_matches(tail, row.person.phone if row and row.person_id else None)
    # always asked, for an unknown code too: the same queries whatever the outcome
    case_ok = eligible(row.case_id if row else "")
    shown = row is not None and tail_ok and case_ok
    with transaction.atomic():
        if not shown:
            throttle.fail(keys, now)
        record_audit(
            public_actor(), AuditAction.GONGKAI_QUERY, target_type="case",
            target_id=row.case_id if shown and row else "", remote_addr=remote_addr,
            details={**audit, "result": (Verdict.SHOWN if shown else Verdict.REFUSED).value},
        )  # fmt: skip
    if not shown or row is None:
        _floor(started)
        return Answer(Verdict.REFUSED)
    answer = Answer(Verdict.SHOWN, row, tuple(steps(row.case, now)))
    _floor(started)
    return answer


def reopen(token: str, *, now: datetime | None = None) -> Answer:
    """The progress page again, from the access token the page's forms carry: the code must
    still be active and the case still eligible, else the query has to be made again."""
    now = now or timezone.now()
    expired = GongkaiError(ErrorCode.EXPIRED, "查询已过期或已失效，请重新输入查询码。")
    try:
        pk, prefix = signing.loads(
            token, salt=_ACCESS_SALT,
            max_age=timedelta(minutes=int(settings.GONGKAI_ACCESS_MINUTES)),
        )  # fmt: skip
    except (signing.BadSignature, ValueError, TypeError):
        raise expired from None
    row = (
        QueryCode.objects.active().filter(pk=pk, digest__startswith=prefix)
        .select_related("case", "person", "case__unit").first()
    )  # fmt: skip
    if row is None or not eligible(row.case_id):
        raise expired
    return Answer(Verdict.SHOWN, row, tuple(steps(row.case, now)))


def rate(
    *, token: str, milestone: str, score: int, comment: str, remote_addr: str,
    now: datetime | None = None,
) -> Rating:  # fmt: skip
    """Rate one milestone the case has reached, once per milestone and code."""
    now = now or timezone.now()
    answer = reopen(token, now=now)
    row = answer.code
    assert row is not None
    step = next((s for s in answer.steps if s.milestone == milestone), None)
    if step is None:
        raise GongkaiError(
            ErrorCode.MILESTONE_INVALID, "该环节尚未发生，暂不能评价。", field="milestone"
        )
    if not 1 <= score <= 5:
        raise GongkaiError(ErrorCode.MILESTONE_INVALID, "评分须为1至5分。", field="score")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                code=row, case_id=row.case_id, unit_id=row.case.unit_id, milestone=milestone,
                milestone_at=step.at, score=score, comment=comment.strip(), created_at=now,
            )  # fmt: skip
            record_audit(
                public_actor(), AuditAction.GONGKAI_RATE, target_type="case",
                target_id=row.case_id, remote_addr=remote_addr,
                details={"milestone": milestone, "score": score, "rating": rating.pk},
            )  # fmt: skip
    except IntegrityError:
        label = Milestone(milestone).label
        raise GongkaiError(
            ErrorCode.ALREADY_RATED,
            f"您已对“{label}”环节作出评价，每个环节只能评价一次。",
            field="milestone",
        ) from None
    return rating


def complain(
    *, token: str, content: str, remote_addr: str, now: datetime | None = None
) -> m.Complaint:
    """File a complaint about the case: a ``complaint`` record as an import would write it
    (channel 执法公开平台, ``extra.source`` = ``gongkai``), for the 法制大队 to handle."""
    now = now or timezone.now()
    answer = reopen(token, now=now)
    row = answer.code
    assert row is not None
    content = content.strip()
    limit = int(settings.GONGKAI_COMPLAINTS_PER_DAY)
    with transaction.atomic():
        recent = m.Complaint.objects.filter(
            case_id=row.case_id, channel=enums.ComplaintChannel.DISCLOSURE_PLATFORM,
            received_at__gt=now - timedelta(days=1),
        ).count()  # fmt: skip
        if recent >= limit:
            raise GongkaiError(
                ErrorCode.TOO_MANY_COMPLAINTS,
                f"本案24小时内已通过本平台投诉{recent}次，请稍后再试，或拨打12389监督举报电话。",
            )
        complaint = m.Complaint.objects.create(
            id=f"GK-{now:%Y%m%d}-{secrets.token_hex(5).upper()}", received_at=now,
            channel=enums.ComplaintChannel.DISCLOSURE_PLATFORM, unit_id=row.case.unit_id,
            case_id=row.case_id, content=content, changed_at=now,
            extra={"source": "gongkai", "code_id": row.pk},
        )  # fmt: skip
        record_audit(
            public_actor(), AuditAction.GONGKAI_COMPLAIN, target_type="complaint",
            target_id=complaint.pk, remote_addr=remote_addr, details={"case": row.case_id},
        )  # fmt: skip
    return complaint


def rated(row: QueryCode) -> dict[str, Rating]:
    return {r.milestone: r for r in row.ratings.all()}
