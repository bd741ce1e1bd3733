"""core services: the audit writer (a hash chain, see ``fazhi.core.audit``) and the audit helpers
that views call for record views and exports."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from fazhi.core.audit import GENESIS_HASH, HEAD_ID, event_hash, normalize_details
from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, AuditHead, Submission

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"
# Distinct from fazhi.core.locks.STORE_LOCK_KEY: appending audit rows must not wait for imports.
AUDIT_LOCK_KEY = 0x61756474  # "audt"

log = logging.getLogger(__name__)
# what an idempotent service returns: the record it acted on, whose pk a repeat looks up
T = TypeVar("T", bound=Model)


def _chain_end() -> tuple[int, str]:
    """The (seq, hash) to append after, locked until the end of the current transaction.

    Normally one query: the head row, read FOR UPDATE. That row lock serialises appenders on
    PostgreSQL exactly like an advisory lock would (a second writer waits, then reads the head
    the first one committed), at one query less on a path every page view takes. On SQLite the
    transaction is IMMEDIATE, so the database's write lock, held from BEGIN, serialises them.
    Without a head row (a fresh or flushed database) the advisory lock guards its creation.
    """
    row = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).values_list("seq", "hash")
    head = row.first()
    if head is not None:
        return head
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        head = row.first()
        if head is not None:
            return head
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        log.warning("审计链头缺失，按最后一条记录（序号 %s）重建", last[0])
    seq, hash_ = last or (0, GENESIS_HASH)
    AuditHead.objects.create(pk=HEAD_ID, seq=seq, hash=hash_)
    return seq, hash_


def system_user() -> User:
    """The account that work no person does is done and audited under (the tick, the demo's
    loading): login name ``system`` — what audit rows of such work always said — shown as 系统.
    Inactive with no usable password, so nobody can sign in as it, and its data scope is empty."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_ACTOR, defaults={"first_name": "系统", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system(user: Any) -> bool:
    """Whether ``user`` is the system account: the work of the tick and of the operator's
    commands run without ``--actor`` (whoever runs a command on the server already holds the
    database; a platform user named by ``--actor`` is checked like on the pages)."""
    return bool(user is not None and user.get_username() == SYSTEM_ACTOR and not user.is_active)


def command_actor(username: str | None) -> User:
    """Whom a management command acts as: the platform user named by its ``--actor`` (a person
    running it by hand), else the system account (cron, the demo). The operating system's login
    name is not a platform user and is no longer used."""
    if not username:
        return system_user()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--actor：用户 {username} 不存在")
    if not user.is_active:
        raise CommandError(f"--actor：用户 {username} 已停用")
    return user


def signed_in_user(request: HttpRequest) -> User:
    """The user a page or API call acts as. Pages that change anything require a signed-in user;
    an anonymous request reaching a service is refused here rather than audited as nobody."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    return user


def record_audit(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    *,
    target_type: str = "",
    target_id: str = "",
    remote_addr: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row to the chain. Call it inside the transaction of the change it
    describes, preferably as its last statement: the chain stays locked until that commits."""
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor": _login_name(actor)[:150],
        "action": str(action.value)[:64],
        "target_type": str(target_type)[:32],
        "target_id": str(target_id)[:64],
        "remote_addr": remote_addr[:64],
        "details": normalize_details(details),
    }
    # savepoint=False: an audit row that cannot be written fails the change it describes, and
    # a page view costs no SAVEPOINT round trips.
    with transaction.atomic(savepoint=False):
        last_seq, last_hash = _chain_end()
        seq = last_seq + 1
        digest = event_hash(seq=seq, prev_hash=last_hash, **fields)
        event = AuditEvent.objects.create(seq=seq, prev_hash=last_hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=HEAD_ID).update(seq=seq, hash=digest, updated_at=fields["at"])
    return event


# A token is kept this long: a double click comes within seconds, and the page that rendered it
# renders a fresh one each time it is opened.
SUBMISSION_KEPT = timedelta(days=2)


def repeated_submission(token: UUID | None, *, actor: User, action: AuditAction) -> str | None:
    """Claim a form's one-time token (``fazhi.core.forms.OnceForm``) inside the caller's
    transaction. ``None``: the first submission, act and then call ``submission_done``; else
    the id of what the first submission did (a double click), which the caller returns instead
    of acting again. A form sent without a token (a client other than the pages) is not
    deduplicated. The claim is a unique row: on PostgreSQL a second request waits for the
    first's commit and then finds its row; on SQLite transactions are already serial."""
    if token is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("repeated_submission must run inside the acting transaction")
    now = timezone.now()
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=actor, action=action.value, created_at=now)
    except IntegrityError:
        earlier = Submission.objects.get(pk=token)
        if earlier.user_id != actor.pk or earlier.action != action.value:
            raise PermissionDenied("此表单已由其他操作提交过，请刷新页面后重新填写") from None
        return earlier.target_id
    Submission.objects.filter(created_at__lt=now - SUBMISSION_KEPT).delete()
    return None


def submission_done(token: UUID | None, target_id: object) -> None:
    """Record what the first submission of ``token`` did, for a repeat to return."""
    if token is not None:
        Submission.objects.filter(pk=token).update(target_id=str(target_id))


def once_per_submission(
    action: AuditAction, load: Callable[[str], Any]
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Make a service idempotent per form: it takes ``once=`` (the form's one-time token) and,
    in one transaction with its own work, claims the token; sent again (a double click), it
    acts no more and returns ``load(pk)`` of what the first call returned."""

    def decorate(service: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(service)
        def wrapper(*args: Any, once: UUID | None = None, **kwargs: Any) -> T:
            if once is None:
                return service(*args, **kwargs)
            with transaction.atomic():
                earlier = repeated_submission(once, actor=kwargs["actor"], action=action)
                if earlier:
                    return cast(T, load(earlier))
                result = service(*args, **kwargs)
                submission_done(once, result.pk)
                return result

        return wrapper

    return decorate


def _login_name(actor: AbstractBaseUser | AnonymousUser | None) -> str:
    # The login name, not the display name: rows written before actors were typed say the same,
    # and a display name may change or repeat.
    if actor is None or not actor.is_authenticated:
        return ANONYMOUS_ACTOR
    return str(actor.get_username()) or SYSTEM_ACTOR


def client_addr(request: HttpRequest) -> str:
    """Where a request came from: REMOTE_ADDR only. Behind a reverse proxy the proxy must pass
    the client's address as REMOTE_ADDR (forwarded headers can be forged by the client)."""
    return str(request.META.get("REMOTE_ADDR") or "")[:64]


def _target(action: AuditAction, prefix: str) -> str:
    """The target type an action names (``view.case`` → ``case``); an action of another kind is
    a programming error, refused before anything is written."""
    if not action.value.startswith(prefix):
        raise ValueError(f"{action.value} is not a {prefix}* audit action")
    return action.value.removeprefix(prefix)


def audit_view(
    request: HttpRequest, action: AuditAction, target_id: Any, **details: Any
) -> AuditEvent:
    """Log that the signed-in user opened a page (``action`` is a ``view.<target_type>``
    member, e.g. ``AuditAction.VIEW_CASE``)."""
    return record_audit(
        getattr(request, "user", None), action, target_type=_target(action, "view."),
        target_id=str(target_id), remote_addr=client_addr(request), details=details,
    )  # fmt: skip


def audit_export(
    request: HttpRequest, action: AuditAction, count: int, **details: Any
) -> AuditEvent:
    """Log an export (``action`` is an ``export.<what>`` member) with its number of rows."""
    return record_audit(
        getattr(request, "user", None), action, target_type=_target(action, "export."),
        remote_addr=client_addr(request), details={"count": count, **details},
    )  # fmt: skip
