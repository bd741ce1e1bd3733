"""The page walk: signed in as one user, open 我的工作台 and follow every link on every page he
can reach, checking that each leads to a page he may see (no 404, no 403, no error) and that
what the page shows a person is Chinese and readable.

Used by ``test_walk.py`` on a generated county, and runnable by hand on the demo database
(``bench/walk.py``). Only the visible text is judged: tags, attributes, scripts and styles are
not read, except ``title`` tooltips (the law abbreviations live there on purpose).
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

# Latin words a Chinese page may show: units and formats a legal officer reads as they are.
ALLOWED_WORDS = frozenset(
    {
        "Excel",
        "Word",
        "PDF",
        "JPG",
        "PNG",
        "MB",
        "vivo",
    }  # file formats, a phone brand in statements
)
# Codes, identifiers and record numbers are tokens with a digit (XS-JL-04, A-S1, U-CN-01,
# 110101********1237, 07:40) or capitals only (GF, BZ-ZF): read as they are. A lower-case run of
# three letters or more in a token is a word (``cn-police-2026``, ``chinese_calendar``).
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_./:][A-Za-z0-9]+)*")
_LOWER_RUN = re.compile(r"[a-z]{3,}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2}")
_LAW_ABBREVIATION = re.compile(r"(?<![A-Za-z])(?:CPL|CPR|PSL|APR|APL|AEL)\d+")
_CLEAR_ID = re.compile(r"(?<![0-9A-Za-z*])\d{17}[\dXx](?![0-9A-Za-z])")
_CLEAR_PHONE = re.compile(r"(?<![0-9*])1[3-9]\d{9}(?![0-9])")
_NONE = re.compile(r"(?<![A-Za-z])(?:None|null|undefined|nan|NaN)(?![A-Za-z])")
# Pages a walk checks (the status) but does not read: Django's admin has its own language, the
# API answers JSON; the language switch of the admin and sign-out are not pages.
NOT_READ = ("/admin/", "/api/", "/static/", "/media/")
NOT_FOLLOWED = ("/logout/",)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("placeholder", "aria-label"):
            if values.get(name):
                self.text.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.text.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())


def unreadable(texts: Iterable[str], codes: frozenset[str] = frozenset()) -> list[str]:
    """What in ``texts`` a Chinese reader should not meet: English words, None, ISO times, law
    abbreviations, clear 身份证号 and phones. ``codes`` are identifiers a page may show as they
    are (record ids of the data, which are not words)."""
    found: list[str] = []
    for line in texts:
        if _ISO.search(line):
            found.append(f"ISO 时间：{line[:80]}")
        if _NONE.search(line):
            found.append(f"空值：{line[:80]}")
        if _LAW_ABBREVIATION.search(line):
            found.append(f"法条缩写：{line[:80]}")
        if _CLEAR_ID.search(line) or _CLEAR_PHONE.search(line):
            found.append(f"未打码的身份证号或电话：{line[:80]}")
        for token in _TOKEN.findall(line):
            if token in ALLOWED_WORDS or token.isdigit() or token in codes:
                continue
            coded = any(c.isdigit() for c in token) or token.replace("-", "").isupper()
            if not coded or _LOWER_RUN.search(token):
                found.append(f"英文「{token}」：{line[:80]}")
    return found


def xlsx_texts(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    texts: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(v) for v in row if isinstance(v, str) and v)
    return texts


@dataclass
class Walk:
    """What one walk saw: pages read, links checked, and every problem with where it was."""

    username: str
    pages: int = 0
    links: int = 0
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def _normal(href: str, base: str) -> str | None:
    """A link as a path to request, or None for a link that leaves the site or the page."""
    href, _ = urldefrag(href.strip())
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.startswith("/"):
        if parts.path:
            return None  # relative paths are not used by fazhi's templates
        href = urlsplit(base).path + href
    return href


def walk(
    client: Client,
    username: str,
    *,
    start: str = "/",
    per_route: int = 40,
    route_of: Callable[[str], str] | None = None,
) -> Walk:
    """Follow every link from ``start``. Each distinct link target is requested once; of the
    targets with the same URL pattern and query keys (a case page, a findings page with
    ``?page=``) at most ``per_route`` are read further for their links and text, the rest only
    checked for their status, so a walk of a county ends."""
    result = Walk(username)
    queue: deque[tuple[str, str]] = deque([(start, "（起点）")])
    result.seen.add(start)
    read_per_route: dict[str, int] = {}
    while queue:
        url, found_on = queue.popleft()
        response = client.get(url)
        status = response.status_code
        if status in (301, 302):
            location = response["Location"]
            if "/login/" in location:
                result.problems.append(f"{url}（见于 {found_on}）：跳转到登录页")
            continue
        if status != 200:
            result.problems.append(f"{url}（见于 {found_on}）：{status}")
            continue
        if url.startswith(NOT_READ) or url.startswith(NOT_FOLLOWED):
            continue
        content_type = response.get("Content-Type", "")
        if "spreadsheetml" in content_type:
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
            result.pages += 1
            result.problems.extend(f"{url}：{p}" for p in unreadable(xlsx_texts(body))[:5])
            continue
        if "text/html" not in content_type:
            continue
        key = route_of(url) if route_of else urlsplit(url).path
        read_per_route[key] = read_per_route.get(key, 0) + 1
        parser = _Page()
        parser.feed(response.content.decode())
        result.pages += 1
        result.problems.extend(f"{url}：{p}" for p in unreadable(parser.text)[:5])
        if read_per_route[key] > per_route:
            continue  # checked, not read further
        for href in parser.links:
            target = _normal(href, url)
            if target is None:
                continue
            result.links += 1
            if target in result.seen or target.startswith(NOT_FOLLOWED):
                continue
            result.seen.add(target)
            queue.append((target, url))
    return result
