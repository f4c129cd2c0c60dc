"""Vietnamese alphabetical order: the order of every list a citizen or an official reads.

Python's default sort puts "Đ" after "Z" and treats NFD "ế" as three
characters. The dictionary order is the alphabet a ă â b c d đ e ê g h i k l
m n o ô ơ p q r s t u ư v x y, with the tone marks ordered after the letter
(ngang < huyền < hỏi < ngã < sắc < nặng) and numbers by their value, so every
listing, annex and export sorts through this module.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from tthc.text import nfc

T = TypeVar("T")

# Letter order of the Vietnamese alphabet; f, j, w, z are not Vietnamese
# letters but occur in loanwords and names, so they go where Latin puts them.
_ALPHABET = (
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k",
    "l", "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w",
    "x", "y", "z",
)  # fmt: skip
_LETTER_RANK: dict[str, int] = {letter: i for i, letter in enumerate(_ALPHABET)}
# Other scripts' letters sort after z, by code point, so the order stays total.
_FOREIGN_LETTER_BASE = len(_ALPHABET)

# Tone marks in dictionary order: ngang (none) < huyền < hỏi < ngã < sắc < nặng.
# The same order CLDR's "vi" collation uses for its secondary level.
TONE_RANK: dict[str, int] = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Marks that make a different *letter* (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")

# Primary-level classes: spaces sort before punctuation, before digits,
# before letters, so "An" < "An Giang" < "Anh" and "Bước 2" < "Bước a".
_SPACE, _PUNCT, _DIGIT, _LETTER = 0, 1, 2, 3

SortKey = tuple[
    tuple[tuple[int, ...], ...],  # primary: letters/digits/spaces/punctuation
    tuple[tuple[int, ...], ...],  # secondary: per letter, tone then other marks
    tuple[int, ...],  # tertiary: per letter, 0 lower / 1 upper
    str,  # final tie-break: the NFC text itself
]
"""Sort key returned by :func:`sort_key`; compare keys, never inspect them."""


def sort_key(text: str) -> SortKey:
    """The key of :func:`sort_key_of_clusters`, assembled from a key per character where it can be.

    Sorting 10,000 procedure names went through every character in Python;
    a letter's part of the key depends on the letter alone, so each one is
    worked out once and looked up. A text with a combining mark of its own
    (one that NFC could not compose) takes the full path, so the keys are
    always the same (tests/test_text.py compares both).
    """
    norm = nfc(text)
    primary: list[tuple[int, ...]] = []
    secondary: list[tuple[int, ...]] = []
    tertiary: list[int] = []
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch.isspace():
            while i < n and norm[i].isspace():
                i += 1
            primary.append((_SPACE,))
            continue
        if ch.isdecimal():
            start = i
            while i < n and norm[i].isdecimal():
                i += 1
            primary.append(_number_key(norm[start:i]))
            continue
        entry = _char_key(ch)
        if entry is None:
            return sort_key_of_clusters(text)
        first, second, third = entry
        primary.append(first)
        if second is not None:
            secondary.append(second)
            tertiary.append(third)
        i += 1
    return tuple(primary), tuple(secondary), tuple(tertiary), norm


_CharKey = tuple[tuple[int, ...], tuple[int, ...] | None, int]


@functools.cache  # a catalogue uses a few hundred characters
def _char_key(ch: str) -> _CharKey | None:
    """One character's part of the key, or None when it is not a cluster of its own (a stray mark, a jamo syllable)."""
    decomposed = unicodedata.normalize("NFD", ch)
    head, marks = decomposed[0], decomposed[1:]
    if unicodedata.combining(head) or head.isspace() or head.isdecimal():
        return None
    if not all(unicodedata.combining(m) for m in marks):
        return None
    primary, secondary, tertiary, _ = sort_key_of_clusters(ch)
    if len(primary) != 1 or len(secondary) > 1:
        return None
    return primary[0], secondary[0] if secondary else None, tertiary[0] if tertiary else 0


def sort_key_of_clusters(text: str) -> SortKey:
    """Build a key that orders Vietnamese text the way a Vietnamese reader expects.

    Code-point order puts "Đ" after "Z" and "Ă"/"Â" after every ASCII letter,
    and ``casefold`` cannot help. Like CLDR's "vi" collation this compares
    three levels: letters of the whole string first (ignoring tone and case),
    then tones, then case; the NFC text is the last tie-break so two different
    strings never compare equal and sorting is deterministic. The key is
    computed from the NFC form, so NFD input yields an identical key. Digit
    runs compare by numeric value so "Bước 2" precedes "Bước 10".
    """
    norm = nfc(text)
    chars = unicodedata.normalize("NFD", norm)
    primary: list[tuple[int, ...]] = []
    secondary: list[tuple[int, ...]] = []
    tertiary: list[int] = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        if ch.isspace():
            while i < n and (chars[i].isspace() or unicodedata.combining(chars[i])):
                i += 1
            primary.append((_SPACE,))
            continue
        if ch.isdecimal():
            start = i
            while i < n and chars[i].isdecimal():
                i += 1
            primary.append(_number_key(chars[start:i]))
            continue
        i += 1
        marks: list[str] = []
        while i < n and unicodedata.combining(chars[i]):
            marks.append(chars[i])
            i += 1
        if not ch.isalpha():
            if not unicodedata.combining(ch):  # a stray mark carries no weight
                primary.append((_PUNCT, ord(ch)))
            continue
        lower = ch.lower()
        if len(lower) != 1:  # e.g. "İ".lower() is two code points
            lower = ch
        tone = 0
        letter_marks: list[str] = []
        other: list[int] = []
        for mark in marks:
            if mark in TONE_RANK and tone == 0:
                tone = TONE_RANK[mark]
            elif mark in _LETTER_MARKS:
                letter_marks.append(mark)
            else:
                other.append(ord(mark))
        letter = unicodedata.normalize("NFC", lower + "".join(letter_marks))
        if letter in _LETTER_RANK:
            rank = _LETTER_RANK[letter]
        else:
            # e.g. "ŏ" (o + breve) is not Vietnamese: weigh it as "o" and let
            # the breve count only at the secondary level.
            other.extend(ord(m) for m in letter_marks)
            rank = _LETTER_RANK.get(lower, _FOREIGN_LETTER_BASE + ord(lower))
        primary.append((_LETTER, rank))
        secondary.append((tone, *sorted(other)))
        tertiary.append(1 if ch != lower else 0)
    return tuple(primary), tuple(secondary), tuple(tertiary), norm


def _number_key(run: str) -> tuple[int, ...]:
    """A run of digits by its value: "02" and "2" are the same number, and a longer (de-zeroed) run a larger one.

    No ``int()``, so that a pathological 5000-digit run cannot hit int's digit limit.
    """
    digits = [unicodedata.decimal(d) for d in run]
    while digits[:-1] and digits[0] == 0:
        digits.pop(0)
    return (_DIGIT, len(digits), *digits)


def sort_vi(items: Iterable[str]) -> list[str]:
    """Sort strings in Vietnamese order; the common case of :func:`sort_key`."""
    return sorted(items, key=sort_key)


def vi_key(key: Callable[[T], str]) -> Callable[[T], SortKey]:
    """Adapt a text getter into a sort key, e.g. ``sorted(ps, key=vi_key(name))``.

    Records are sorted by one of their text fields far more often than bare
    strings are, and writing the lambda by hand invites forgetting
    :func:`sort_key`.
    """

    def _key(item: T) -> SortKey:
        return sort_key(key(item))

    return _key
