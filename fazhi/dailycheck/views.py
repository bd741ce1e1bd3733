"""dailycheck views: thin, scoped through fazhi.accounts.scope."""

from __future__ import annotations
