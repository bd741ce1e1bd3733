"""Who may do what with a dispute: ``allowed_actions`` is the one gate, used by the dispute page
(which forms to show), its POSTs and the services themselves (``require_action``), so that a wrong
user is refused even from a shell.

The tick's own escalations (红色风险持续未化解) are not a user's act: they go through
``services.issue_letter`` under the system account, which no gate here admits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from fazhi.accounts.models import Role
from fazhi.core.scope import can_see, scope_of
from fazhi.disputes.models import Dispute, DisputeStatus, EscalationLetter

FOLLOWUP = "followup"
CHECKLIST = "checklist"
RESOLVE = "resolve"
ESCALATE = "escalate"

ACTION_LABELS = {
    FOLLOWUP: "记录回访",
    CHECKLIST: "填写八必查/八必判",
    RESOLVE: "标记化解",
    ESCALATE: "抄告县委政法委",
}

# Who may record visits, answer the checklists and mark a dispute resolved (within their scope).
FIELD_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.LEGAL_OFFICER,
        Role.BUSINESS_LEAD,
        Role.LEGAL_LEADER,
        Role.CHIEF,
        Role.ADMIN,
    }
)
# Who may escalate by hand (抄告): legal officers and leaders.
ESCALATE_ROLES = frozenset(
    {Role.LEGAL_OFFICER, Role.LEGAL_LEADER, Role.CHIEF, Role.LEGAL_BRIGADE, Role.BUREAU_LEADER,
     Role.ADMIN}
)  # fmt: skip
# Who may change the bureau's risk-grading settings.
POLICY_ROLES = frozenset({Role.LEGAL_BRIGADE, Role.ADMIN})


def _role_actions(role: str | None) -> set[str]:
    actions: set[str] = set()
    if role in FIELD_ROLES:
        actions |= {FOLLOWUP, CHECKLIST, RESOLVE}
    if role in ESCALATE_ROLES:
        actions.add(ESCALATE)
    return actions


def allowed_actions(dispute: Dispute, user: Any, *, escalated: bool | None = None) -> set[str]:
    """The actions ``user`` may take on ``dispute`` now. A resolved dispute takes no second 化解
    (visits after it are still recorded: a 回访 confirms it holds); a dispute takes one letter
    (``escalated``: whether it has one, looked up when not given)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    scope = scope_of(user)
    if not can_see(dispute, scope):
        return set()
    actions = _role_actions(scope.role)
    if dispute.status == DisputeStatus.RESOLVED:
        actions.discard(RESOLVE)
    if ESCALATE in actions:
        if escalated is None:
            escalated = dispute_has_letter(dispute)
        if escalated:
            actions.discard(ESCALATE)
    return actions


def dispute_has_letter(dispute: Dispute) -> bool:
    return EscalationLetter.objects.filter(dispute_id=dispute.pk).exists()


def require_role_action(dispute: Dispute, actor: User, action: str) -> User:
    """``actor`` if his role and scope let him take ``action`` on ``dispute`` at all; else
    PermissionDenied in Chinese. What the dispute's state forbids (already resolved, already
    escalated) is the service's ``DisputeError`` to say, with its record and field."""
    label = ACTION_LABELS[action]
    if not actor.is_active:
        raise PermissionDenied(f"用户 {actor.get_username()} 已停用，不能{label}")
    scope = scope_of(actor)
    if not can_see(dispute, scope) or action not in _role_actions(scope.role):
        raise PermissionDenied(
            f"用户 {actor.get_username()}（{scope.role or '无角色'}）"
            f"无权对纠纷 {dispute.incident_id} {label}"
        )
    return actor


def can_change_policy(user: Any) -> bool:
    """法制大队, 管理员 and superusers change the risk-grading settings."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or scope_of(user).role in POLICY_ROLES)
