from __future__ import annotations

from typing import Any

from django.test import Client


def client_of(bureau: Any, name: str) -> Client:
    client = Client()
    client.force_login(bureau.users[name])
    return client
