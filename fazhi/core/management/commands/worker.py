"""``fazhi worker [--concurrency N] [--queue NAME] [--loglevel LEVEL]``: a Celery worker that runs
the parts of fanned-out work (the patrol per 县局/分局) sent through ``FAZHI_BROKER_URL``.

Run one per machine (``--concurrency`` processes, by default one per core). The processes that
send work need ``FAZHI_FANOUT=1`` and the same broker and database; without it they do the work
themselves and no worker is needed (docs/operations.md, 后台进程)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from fazhi.core.fanout import celery_app


class Command(BaseCommand):
    help = "启动后台进程（Celery worker），按县局/分局分片执行巡查；需配置 FAZHI_BROKER_URL"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=os.cpu_count() or 1, help="并发进程数，默认 CPU 核数"
        )
        parser.add_argument(
            "--queue", default=settings.FANOUT_QUEUE, help="队列名（默认 FAZHI_FANOUT_QUEUE）"
        )
        parser.add_argument(
            "--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.FANOUT_BROKER_URL:
            raise CommandError(
                "未配置 FAZHI_BROKER_URL（如 redis://127.0.0.1:6379/0），无法启动后台进程"
            )
        if options["concurrency"] < 1:
            raise CommandError("--concurrency 须为正整数")
        # the worker's processes are forked from this one: none may inherit its connections
        connections.close_all()
        celery_app.worker_main(
            [
                "worker",
                f"--concurrency={options['concurrency']}",
                f"--queues={options['queue']}",
                f"--loglevel={options['loglevel']}",
                f"--hostname=fazhi@{os.uname().nodename}.{os.getpid()}",
                "--without-gossip",
                "--without-mingle",
            ]
        )
