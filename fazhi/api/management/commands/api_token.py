"""``fazhi api_token create|list|revoke --user U --name N``: personal API tokens. The clear key
is printed once, by ``create``; it cannot be shown again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fazhi.api.models import ApiToken
from fazhi.api.services import create_token, revoke_token
from fazhi.core.services import command_actor


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "-"


class Command(BaseCommand):
    help = "接口令牌：create 创建（只显示一次密钥）；list 列出；revoke 吊销"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in (("create", "为用户创建接口令牌"), ("revoke", "吊销用户的接口令牌")):
            cmd = sub.add_parser(name, help=text)
            cmd.add_argument("--user", required=True, help="用户名")
            cmd.add_argument("--name", required=True, help="令牌名称，如“短信网关”")
            cmd.add_argument(
                "--actor", default=None, help="操作人：平台用户名，记入审计日志（默认系统账号）"
            )
        listing = sub.add_parser("list", help="列出接口令牌（不含密钥）")
        listing.add_argument("--user", help="只列此用户的令牌")
        listing.add_argument("--all", action="store_true", help="包括已吊销的令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "list":
            self._list(options)
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"用户 {options['user']} 不存在")
        try:
            if command == "create":
                key = create_token(
                    user, actor=command_actor(options["actor"]), name=options["name"]
                )
                self.stdout.write(f"已为用户 {options['user']} 创建接口令牌“{options['name']}”：")
                self.stdout.write(key)
                self.stdout.write("请立即妥善保存：密钥只显示这一次，系统只保存其哈希。")
                return
            token = ApiToken.objects.active().filter(user=user, name=options["name"]).first()
            if token is None:
                raise CommandError(
                    f"用户 {options['user']} 没有名为“{options['name']}”的有效接口令牌"
                )
            revoke_token(token, actor=command_actor(options["actor"]))
            self.stdout.write(f"已吊销用户 {options['user']} 的接口令牌“{options['name']}”。")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if options.get("user"):
            tokens = tokens.filter(user__username=options["user"])
        if not options.get("all"):
            tokens = tokens.active()
        rows = list(tokens)
        if not rows:
            self.stdout.write("没有接口令牌。")
            return
        self.stdout.write("用户\t名称\t前缀\t状态\t创建时间\t最近使用\t吊销时间")
        for t in rows:
            self.stdout.write(
                f"{t.user.get_username()}\t{t.name}\t{t.prefix}…\t{t.status_label}\t"
                f"{_when(t.created_at)}\t{_when(t.last_used_at)}\t{_when(t.revoked_at)}"
            )
