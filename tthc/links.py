"""Which catalogue values may become links on a page a citizen opens.

One definition serves two callers that must never disagree: the views,
which print a refused value as plain text, and the ``link-unsafe`` and
``online-url`` rules, which tell the editor before publishing that a value
would be refused. Catalogue text comes from many hands, so only http(s)
and mailto survive; ``javascript:``, ``data:`` and the rest do not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
"""What a browser deletes or stops at inside a URL; a link holding one is refused, not guessed at."""
_EMAIL = re.compile(r"[^@\s<>\"'\\/?#&]+@[^@\s<>\"'\\/?#&]+\.[^@\s<>\"'\\/?#&]+")


def safe_url(value: object) -> str | None:
    """The URL if a citizen's browser may follow it, else ``None``.

    Only absolute http(s) URLs with a host and mailto: URLs pass. Anything
    else, ``javascript:``, ``data:``, ``vbscript:``, relative or
    scheme-relative URLs, is refused so that the template prints it as plain
    text. Browsers delete tabs and newlines inside a URL ("java\\tscript:"),
    so any whitespace or control character refuses the URL rather than
    guessing what the browser will make of it.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > 2048 or SPACE_OR_CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme == "mailto":
        return url if is_email(url[len("mailto:") :].split("?", 1)[0]) else None
    return url if parts.netloc and "\\" not in url else None


def is_email(address: str) -> bool:
    """Whether ``address`` may follow ``mailto:``: nothing that breaks out of the link or adds headers."""
    return _EMAIL.fullmatch(address) is not None
