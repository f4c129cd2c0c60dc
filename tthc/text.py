"""Vietnamese text made comparable: NFC, folding for search, printable forms, slugs, invisible characters.

Catalogue text arrives from many hands: the national portal (NFC), macOS
editors (NFD), pages and PDFs with zero-width spaces and bidi marks. Every
other module compares, searches and checks that text, so the rules for doing
it correctly live here once, instead of being half-reimplemented with
``str.lower()``. Sorting is :mod:`tthc.collation`; legacy encodings and
mojibake are :mod:`tthc.encodings`.

All functions are pure: no I/O, no printing, no global state beyond constant
tables.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "clip",
    "fold",
    "fold_memo",
    "invisible_chars",
    "is_nfc",
    "nfc",
    "printable",
    "slug",
    "xml_safe",
]


# --------------------------------------------------------------------------
# Normalisation and folding
# --------------------------------------------------------------------------


def nfc(text: str) -> str:
    """Return *text* in NFC.

    NFC is the form the national portal publishes and the only form in which
    one Vietnamese letter is one code point, so equality, ``len`` and regexes
    behave; every comparison in tthc goes through it.
    """
    return unicodedata.normalize("NFC", text)


def is_nfc(text: str) -> bool:
    """Tell whether *text* is already NFC.

    Uses the quick-check tables, so a linter can flag NFD text in a large
    catalogue without building a normalised copy of every string.
    """
    return unicodedata.is_normalized("NFC", text)


_WS_RUN = re.compile(r"\s+")


def fold(text: str) -> str:
    """Reduce *text* to a diacritic-, case- and spacing-insensitive search form.

    People search "dang ky khai sinh" on keyboards without a Vietnamese input
    method, and copy-pasted titles differ in double spaces; folding both sides
    makes those searches hit. "đ" is not a decomposable letter in Unicode, so
    it must be mapped to "d" explicitly or "Đăng" would fold to "đang".
    """
    stripped = unicodedata.normalize("NFD", text).translate(_VIETNAMESE_MARKS)
    if not stripped.isascii():  # marks of other scripts: the slow, general way
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return _WS_RUN.sub(" ", stripped.casefold()).strip()


_VIETNAMESE_MARKS = {**dict.fromkeys(range(0x300, 0x370)), ord("đ"): "d", ord("Đ"): "D"}
"""The combining diacritics block (every Vietnamese tone and letter mark) dropped, and đ made d, in one C pass.

A Vietnamese text is ASCII after it; any other text still goes through
``unicodedata.combining``, so the result is the same, only faster (search
entries fold every name of a 10,000-procedure catalogue)."""


fold_memo = functools.lru_cache(maxsize=4096)(fold)
""":func:`fold`, remembering the last few thousand texts: a comparison folds the same text many times.

Comparing two versions of a procedure folds each step, dossier item and
result once as a key, again to pair what is left, and once per side when
the two sides hold the same text. A few thousand entries hold one
procedure's texts (and the channel names, units and places that recur in
every procedure), not a catalogue's: memory stays small, and the work
saved is the repetition inside one comparison.
"""


def clip(text: str, limit: int = 50) -> str:
    """*text* on one line of at most *limit* characters, to quote it in a message.

    A finding quotes the value it is about so that the reader can find it;
    a pasted page of text would bury the message itself.
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Show control and direction characters of *text* as escapes (``\\x1b``, ``\\u202e``).

    Reports print catalogue text to terminals and CI logs. Printed as they
    are, an escape sequence can retitle or clear the terminal or hide the
    findings after it, a line break can start a line that GitHub Actions reads
    as a workflow command, and a right-to-left override can make a code read
    backwards; escaped, a reviewer sees what the file really holds.
    """
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


_PASTED_NOISE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def drop_pasted_noise(text: str) -> str:
    """*text* without the control, zero-width and direction characters that pasting brings along.

    The twin of :func:`printable`, for text on its way into a catalogue file
    rather than out to a report: such characters are never part of a name
    and the loader refuses them, so an importer drops them instead of
    escaping them. Tab and line break stay, as separators; zero-width
    characters and the BOM go, where ``printable`` keeps them visible.
    """
    return _PASTED_NOISE.sub("", text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Show the characters XML 1.0 cannot hold as escapes (``\\x07``), keeping tabs and line breaks.

    Word and Excel files are XML, and python-docx and openpyxl raise on such a
    character; a stray control code pasted into a name must not stop an
    export, and escaped it stays visible for someone to fix.
    """
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Make an ASCII slug for file names and URLs.

    File systems and URLs mangle non-ASCII (and NFC/NFD differ between macOS
    and Linux), so identifiers derived from Vietnamese titles must be plain
    ASCII to be stable across machines.
    """
    return _NON_ALNUM_RUN.sub("-", fold(text)).strip("-")


# --------------------------------------------------------------------------
# Invisible characters
# --------------------------------------------------------------------------

_INVISIBLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + ["\u2028", "\u2029"]  # line / paragraph separator
    + [chr(c) for c in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(c) for c in range(0x2060, 0x2065)]  # word joiner, invisible operators
    + ["\ufeff", "\u00ad"]  # BOM / zero-width no-break space, soft hyphen
    + [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\n\t"]  # C0
    + ["\x7f"]  # DEL: not C0 or C1 strictly, but just as much a control
    + [chr(c) for c in range(0x80, 0xA0)]  # C1
)
_INVISIBLE_RE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_INVISIBLE)) + "]")
"""The same set as one regex: most text has none, and a C-level search says so at once."""


def has_invisible(text: str) -> bool:
    return _INVISIBLE_RE.search(text) is not None


def yaml_source_plain(source: str) -> bool:
    """Whether every text YAML reads from ``source`` is made of the source's own characters.

    Without a backslash there is no escape (``\\u0301``, ``\\x07``), and YAML
    joins the lines of a text with a space or a line break, never directly:
    so a character or a property no part of the source has (NFD, an
    invisible character) cannot appear in a value either, and a check of the
    whole file at C speed stands for a walk over each of its values. An
    empty source (a document built without one) tells nothing.
    """
    return bool(source) and "\\" not in source


def invisible_chars(text: str) -> list[tuple[int, str]]:
    """List (index, name) of invisible or control characters in *text*.

    Copying from PDFs and web pages brings in zero-width spaces, soft hyphens
    and bidi marks that make two identical-looking titles compare unequal
    and break search; they are invisible in every editor, so they must be
    pointed out by position. A soft hyphen is also what TCVN3 "ư" becomes
    when misread as Latin-1.
    """
    return [
        (match.start(), unicodedata.name(match.group(), f"U+{ord(match.group()):04X}"))
        for match in _INVISIBLE_RE.finditer(text)
    ]
