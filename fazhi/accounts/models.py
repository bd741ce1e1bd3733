"""accounts: a sign-in user is an officer of a unit, with a role."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models

from fazhi.records.models import Officer, Unit


class Role(models.TextChoices):
    OFFICER = "民警", "民警"
    LEGAL_OFFICER = "法制员", "法制员"
    BUSINESS_LEAD = "业务负责人", "业务负责人"
    LEGAL_LEADER = "分管法制领导", "分管法制领导"
    CHIEF = "所队长", "所队长"
    BUREAU_LEADER = "局领导", "局领导"
    LEGAL_BRIGADE = "法制大队", "法制大队"
    ADMIN = "管理员", "管理员"
    # the 执法办案管理中心's staff who handle the officers' service requests (fazhi.servicedesk)
    SERVICE_DESK = "执法服务专岗", "执法服务专岗"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name="用户"
    )
    # Not constrained: officers come and go with imports; a profile outlives a re-import.
    officer = models.ForeignKey(
        Officer, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="民警",
    )  # fmt: skip
    unit = models.ForeignKey(
        Unit, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="单位",
    )  # fmt: skip
    role = models.CharField("角色", max_length=8, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        permissions = [("unmask_pii", "查看完整身份证号和电话号码")]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class LoginLockout(AccessAttempt):
    """django-axes' count of failed sign-ins for one username from one address, under a Chinese
    name for the admin, where a lockout is lifted early (``services.lift_lockouts``, audited)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录失败与锁定"

    def __str__(self) -> str:
        return f"{self.username}（{self.ip_address}）登录失败{self.failures_since_start}次"
