"""The search (搜索): one query over cases, incidents, persons, officers and problems, within the
searching user's data scope, and written to the audit log.

Searching police data is itself sensitive (who looked for whom), so every search that ran is an
audit row, ``search``, with the query, the kinds searched and how many of each were found; a
query that is a 身份证号 or holds a phone number is stored masked (``core.masking.mask_text``),
as it would be shown. A search refused before it ran (empty, too short) looked nothing up and
writes no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from fazhi.core.audit_actions import AuditAction
from fazhi.core.errors import DomainError
from fazhi.core.masking import mask_text
from fazhi.core.scope import scope_of
from fazhi.core.services import record_audit
from fazhi.search.error_codes import ErrorCode
from fazhi.search.kinds import FINDERS, Hit, Kind, Terms

MIN_LENGTH = 2
MAX_LENGTH = 64
# hits per kind when all kinds are searched (the page's overview), and when one kind is
LIMIT_ALL = 10
LIMIT_ONE = 100


class SearchError(DomainError):
    """A refused search."""


@dataclass(frozen=True)
class Group:
    """The hits of one kind."""

    kind: Kind
    hits: list[Hit]
    more: bool  # there are more hits than shown

    @property
    def label(self) -> str:
        return str(self.kind.label)


@dataclass(frozen=True)
class Results:
    query: str
    terms: Terms
    groups: list[Group]  # in the order of ``Kind``; kinds with no hit included

    @property
    def shown(self) -> str:
        """The query as the page repeats it: a 身份证号 or phone number in it masked."""
        return mask_text(self.query)

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def check_query(text: str | None) -> str:
    """The query stripped, or a ``SearchError`` saying why it cannot be searched."""
    query = (text or "").strip()
    if not query:
        raise SearchError(ErrorCode.QUERY_EMPTY, field="q")
    if len(query) < MIN_LENGTH:
        raise SearchError(
            ErrorCode.QUERY_TOO_SHORT,
            f"搜索内容“{query}”太短：请至少输入{MIN_LENGTH}个字（如姓名、案由、编号）",
            field="q",
        )
    if len(query) > MAX_LENGTH:
        raise SearchError(
            ErrorCode.QUERY_TOO_LONG, f"搜索内容太长：最多{MAX_LENGTH}个字", field="q"
        )
    return query


def search(
    actor: User,
    text: str | None,
    *,
    kind: Kind | str | None = None,
    limit: int | None = None,
    remote_addr: str = "",
    via: str = "page",
) -> Results:
    """What ``actor`` may see that matches ``text``: every kind, or only ``kind``; at most
    ``limit`` hits per kind (``LIMIT_ALL`` / ``LIMIT_ONE`` by default). The scope is the
    actor's own (``scope_of``), so the same call from a shell finds no more than his pages."""
    query = check_query(text)
    if kind:
        try:
            kinds = [Kind(kind)]
        except ValueError:
            raise SearchError(
                ErrorCode.UNKNOWN_KIND, f"没有“{kind}”这一类记录可搜索", field="kind"
            ) from None
    else:
        kinds = list(Kind)
    per_kind = limit or (LIMIT_ONE if kind else LIMIT_ALL)
    terms = Terms.read(query)
    scope = scope_of(actor)
    with transaction.atomic():
        groups = []
        for k in kinds:
            hits, more = FINDERS[k](terms, scope, per_kind)
            groups.append(Group(k, hits, more))
        record_audit(
            actor, AuditAction.SEARCH, target_type="search", remote_addr=remote_addr,
            details={
                "query": mask_text(query),
                "kind": str(kind) if kind else "all",
                "found": {str(g.kind): len(g.hits) for g in groups},
                "via": via,
            },
        )  # fmt: skip
    return Results(query, terms, groups)
