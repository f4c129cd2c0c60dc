"""Editorial or legal: which changes to a procedure need an announcement decision.

A change of wording (a typo, a tone mark, punctuation) needs none; a change
of what the law says (a time, a fee, a step, a dossier item) does (NĐ
63/2010/NĐ-CP Điều 8.2 and Điều 15; DOMAIN.md section 3). Also the
word-level diff that shows a reviewer what changed inside a long text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Literal

from tthc import text
from tthc.changes import Value, WordOp
from tthc.model import COMPONENTS

__all__ = [
    "EDITORIAL_COMPONENTS",
    "LEGAL_COMPONENTS",
    "editorial_path",
    "editorial_value",
    "is_editorial_text",
    "word_diff",
]

LEGAL_COMPONENTS: frozenset[str] = frozenset(
    {
        "name",
        "field",
        "level",
        "kind",
        "steps",
        "methods",
        "time",
        "fee",
        "dossier",
        "subjects",
        "agencies",
        "results",
        "requirements",
        "legal_basis",
        "forms",
    }
)
"""Components whose change must be announced by a decision.

They are the parts of a procedure that NĐ 63/2010/NĐ-CP Điều 8.2 makes the
law's content of a procedure (name, steps, methods, dossier, time, subjects,
agencies, result, forms, requirements, fees, legal basis), plus the field,
level and kind under which the decision lists it: a citizen's rights change
when any of them does, so Điều 15 requires an announcement. The same keys are
the ``components`` a decision's ``amended`` entry may name.

Not legal: ``code`` (assigned by the national database, not by a decision),
``decisions`` (the record of announcements itself) and ``note`` (an internal
remark); nor any ``url`` (a link to the portal or a form moves without the law
changing). See :func:`is_editorial_text` for edits inside legal text that are
still editorial.
"""

EDITORIAL_COMPONENTS: frozenset[str] = frozenset(COMPONENTS) - LEGAL_COMPONENTS
"""``code``, ``decisions``, ``note``: changes to them never need a decision."""

_WORD = re.compile(r"\s*(\w+|[^\w\s])")
_SQUASH = re.compile(r"[\W_]+")


def editorial_path(component: str, path: str) -> bool:
    return component in EDITORIAL_COMPONENTS or path.endswith(".url") or path == "url"


def _squash(value: str) -> str:
    return _SQUASH.sub("", text.nfc(value).casefold())


def _words(value: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.nfc(value).casefold())]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance; words are short, so the plain table is enough."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _typo(a: str, b: str) -> bool:
    if any(ch.isdigit() for ch in a + b):
        return False  # a number is never a typo: "05 ngày" → "03 ngày" is law
    if text.fold(a) == text.fold(b):
        return True  # a tone mark or "uỷ"/"ủy" spelling
    return _distance(a, b) <= (1 if max(len(a), len(b)) <= 4 else 2)


def is_editorial_text(old: str, new: str) -> bool:
    """Whether a text edit is editorial: it changes the wording, not the law.

    Editorial means: only whitespace, punctuation, letter case or Unicode
    normalisation (NFC/NFD) differ; or at most two words are replaced, each by
    a word a typo away (a tone mark, one or two letters), with no number
    touched and no word added or removed. Anything larger ("không" added, a
    time or an amount changed) is legal and needs a decision.
    """
    if _squash(old) == _squash(new):
        return True
    a, b = _words(old), _words(new)
    if not a or not b:
        return False
    replaced = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            return False
        for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
            if not _typo(x, y):
                return False
            replaced += 1
    return replaced <= 2


def editorial_value(old: Value, new: Value) -> bool:
    """Two structured values that differ only in editorial text (numbers and flags equal)."""
    if isinstance(old, str) and isinstance(new, str):
        return is_editorial_text(old, new)
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return False
        return all(old[k] == new[k] or editorial_value(old[k], new[k]) for k in old)
    return False


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """A word-level diff of two texts (NFC first), as runs of kept, removed and added words.

    Tokens are words and single punctuation marks; each keeps the spaces in
    front of it so that the runs read back as the original texts.
    """
    ta = [(m.group(0), m.group(1)) for m in _WORD.finditer(text.nfc(old))]
    tb = [(m.group(0), m.group(1)) for m in _WORD.finditer(text.nfc(new))]
    ops: list[WordOp] = []

    def emit(op: Literal["=", "-", "+"], tokens: Iterable[tuple[str, str]]) -> None:
        chunk = "".join(shown for shown, _ in tokens)
        if not chunk:
            return
        if ops and ops[-1].op == op:
            ops[-1] = WordOp(op, ops[-1].text + chunk)
        else:
            ops.append(WordOp(op, chunk))

    matcher = difflib.SequenceMatcher(None, [k for _, k in ta], [k for _, k in tb], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("=", tb[j1:j2])
        else:
            emit("-", ta[i1:i2])
            emit("+", tb[j1:j2])
    if ops:
        ops[0] = WordOp(ops[0].op, ops[0].text.lstrip())
    return tuple(ops)
