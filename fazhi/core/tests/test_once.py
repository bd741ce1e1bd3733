"""One-time form tokens: a service decorated with ``once_per_submission`` acts once per token,
also when the same token arrives twice at the same moment (a double click on PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction

from fazhi.core.audit_actions import AuditAction
from fazhi.core.models import AuditEvent, Submission
from fazhi.core.services import once_per_submission, record_audit


@once_per_submission(AuditAction.VIEW_CASE, lambda pk: AuditEvent.objects.get(pk=pk))
def open_case(*, actor: User, case: str) -> AuditEvent:
    """A stand-in service: one audit row per act."""
    with transaction.atomic():
        return record_audit(actor, AuditAction.VIEW_CASE, target_type="case", target_id=case)


@once_per_submission(AuditAction.VIEW_CASE, lambda pk: AuditEvent.objects.get(pk=pk))
def failing(*, actor: User) -> AuditEvent:
    with transaction.atomic():
        record_audit(actor, AuditAction.VIEW_CASE, target_type="case", target_id="C-X")
        raise ValueError("拒绝")


def acts(case: str) -> int:
    return AuditEvent.objects.filter(target_id=case).count()


@pytest.mark.django_db
def test_the_same_token_twice_acts_once_and_returns_the_first_result() -> None:
    user = User.objects.create(username="li")
    token = uuid.uuid4()
    first = open_case(actor=user, case="C-1", once=token)
    second = open_case(actor=user, case="C-1", once=token)
    assert first.pk == second.pk
    assert acts("C-1") == 1


@pytest.mark.django_db
def test_two_tokens_or_none_act_each_time() -> None:
    user = User.objects.create(username="li")
    open_case(actor=user, case="C-1", once=uuid.uuid4())
    open_case(actor=user, case="C-1", once=uuid.uuid4())
    open_case(actor=user, case="C-1")
    open_case(actor=user, case="C-1")
    assert acts("C-1") == 4


@pytest.mark.django_db
def test_a_failed_first_call_releases_its_token() -> None:
    user = User.objects.create(username="li")
    token = uuid.uuid4()
    with pytest.raises(ValueError, match="拒绝"):
        failing(actor=user, once=token)
    assert not Submission.objects.filter(pk=token).exists()
    assert acts("C-X") == 0
    # the form sent again (after the user corrected it) acts
    open_case(actor=user, case="C-1", once=token)
    assert acts("C-1") == 1


@pytest.mark.django_db
def test_another_users_token_is_refused() -> None:
    li, zhang = User.objects.create(username="li"), User.objects.create(username="zhang")
    token = uuid.uuid4()
    open_case(actor=li, case="C-1", once=token)
    with pytest.raises(PermissionDenied):
        open_case(actor=zhang, case="C-1", once=token)
    assert acts("C-1") == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_submission_acts_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises all writers)")
    # given one form's token sent by four requests released at the same moment
    user = User.objects.create(username="li")
    token = uuid.uuid4()
    senders = 4
    barrier = threading.Barrier(senders)
    results: list[Any] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            results.append(open_case(actor=user, case="C-1", once=token).pk)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one act, and every request answers with it
    assert not errors, errors
    assert acts("C-1") == 1
    assert len(set(results)) == 1
