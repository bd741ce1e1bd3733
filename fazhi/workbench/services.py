"""workbench services: every state change, with an explicit actor, audited."""

from __future__ import annotations
