"""Everything Vietnamese in one module: normalisation, search, sorting, encodings.

Catalogue text arrives from many hands: the national portal (NFC), macOS
editors (NFD), Word documents typed decades ago in TCVN3/VNI fonts and pasted
as Latin-1 (mojibake), and CSV exports in Windows-1258. Every other module
compares, sorts and checks that text, so the rules for doing it correctly live
here once, instead of being half-reimplemented with ``str.lower()`` and
``sorted()`` (which put "Đ" after "Z" and treat NFD "ế" as three characters).

All functions are pure: no I/O, no printing, no global state beyond constant
tables.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

__all__ = [
    "SortKey",
    "clip",
    "detect_mojibake",
    "fold",
    "guess_encoding",
    "invisible_chars",
    "is_nfc",
    "nfc",
    "printable",
    "repair_mojibake",
    "slug",
    "sort_key",
    "sort_vi",
    "vi_key",
    "xml_safe",
]

T = TypeVar("T")

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
# Vietnamese collation
# --------------------------------------------------------------------------

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
_TONE_RANK: dict[str, int] = {
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
            if mark in _TONE_RANK and tone == 0:
                tone = _TONE_RANK[mark]
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


# --------------------------------------------------------------------------
# Vietnamese syllable validity (used by the encoding heuristics)
# --------------------------------------------------------------------------

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|r|s|t|v|x"
# Rimes that end in a vowel or semivowel (no final consonant).
_OPEN_RIMES = (
    "a", "ai", "ao", "au", "ay", "âu", "ây", "e", "eo", "ê", "êu", "i", "ia",
    "iu", "iêu", "o", "oa", "oai", "oao", "oay", "oe", "oeo", "oi", "ô", "ôi",
    "ơ", "ơi", "u", "ua", "uây", "uê", "ui", "uôi", "uơ", "uy", "uya", "uyu",
    "ư", "ưa", "ưi", "ươi", "ươu", "ưu", "y", "yêu",
)  # fmt: skip
# Nuclei that can take a final consonant (c, ch, m, n, ng, nh, p, t).
_CLOSED_NUCLEI = (
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "iê", "yê", "uô",
    "ươ", "oa", "oă", "oe", "oo", "ôô", "uâ", "uê", "uy", "uyê",
)  # fmt: skip
# "ch" and "nh" only follow front vowels (and "a", historically /ɛ/).
_PALATAL_NUCLEI = frozenset(("a", "ê", "i", "oa", "uê", "uy"))


def _alternation(options: Iterable[str]) -> str:
    return "|".join(sorted(options, key=len, reverse=True))


_SYLLABLE_RE = re.compile(
    rf"(?:{_INITIALS})?"
    rf"(?:(?:{_alternation(_OPEN_RIMES)})"
    rf"|(?P<nucleus>{_alternation(_CLOSED_NUCLEI)})(?P<final>ch|nh|ng|[cmnpt]))"
)
_STOP_FINALS = frozenset(("c", "ch", "p", "t"))
_STOP_TONES = frozenset(("\u0301", "\u0323"))


@functools.lru_cache(maxsize=8192)  # text repeats its words; the regex is not cheap
def _is_vi_syllable(word: str) -> bool:
    """Tell whether *word* is spelled like one Vietnamese syllable.

    A decode that produces real syllables is the evidence the mojibake and
    encoding heuristics rely on: Latin-1 words reinterpreted through the
    wrong table almost never come out as legal Vietnamese spelling (one tone,
    legal initial/rime, stop finals only with sắc or nặng).
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONE_RANK]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_RANK))
    match = _SYLLABLE_RE.fullmatch(bare)
    if match is None:
        return False
    final = match.group("final")
    if final is None:
        return True
    if final in ("ch", "nh") and match.group("nucleus") not in _PALATAL_NUCLEI:
        return False
    return not (final in _STOP_FINALS and not (tones and tones[0] in _STOP_TONES))


# --------------------------------------------------------------------------
# Legacy font encodings (TCVN3, VNI) read as Windows-1252 / Latin-1
# --------------------------------------------------------------------------

# TCVN 5712:1993 "VN3" (the ".Vn" ABC fonts): one byte per letter, lowercase
# precomposed letters plus the capital base letters Ă Â Ê Ô Ơ Ư Đ. Toned
# capitals have no code here: ABC users typed them with the lowercase codes in
# a separate capitals font (.VnTimeH), so they repair to lowercase. The VN1
# extension's capitals at 0x80-0x9F and in the gaps below are deliberately
# left out: they collide with everyday Latin-1 letters (À, Á, Ã, ...).
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
# All table bytes are >= 0xA0, where Windows-1252 and Latin-1 agree, so the
# mojibake is the same whichever of the two the text was misread with.
_TCVN3: dict[str, str] = {chr(b): u for b, u in _TCVN3_BYTES.items()}

# VNI-Windows: a base ASCII vowel followed by one "mark" byte that carries the
# tone and/or the circumflex/breve; a few letters have a byte of their own.
_VNI_LETTER_BYTES: dict[int, str] = {
    0xD1: "Đ", 0xF1: "đ", 0xD4: "Ơ", 0xF4: "ơ", 0xD6: "Ư", 0xF6: "ư",
    0xCD: "Í", 0xED: "í", 0xCC: "Ì", 0xEC: "ì", 0xC6: "Ỉ", 0xE6: "ỉ",
    0xD3: "Ĩ", 0xF3: "ĩ", 0xD2: "Ị", 0xF2: "ị", 0xCE: "Ỵ", 0xEE: "ỵ",
}  # fmt: skip
_CIRC, _BREVE = "\u0302", "\u0306"
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
# byte (lowercase-font form, capitals-font form) -> (letter modifier, tone)
_VNI_MARK_BYTES: dict[tuple[int, int], tuple[str, str]] = {
    (0xF9, 0xD9): ("", _ACUTE),
    (0xF8, 0xD8): ("", _GRAVE),
    (0xFB, 0xDB): ("", _HOOK),
    (0xF5, 0xD5): ("", _TILDE),
    (0xEF, 0xCF): ("", _DOT),
    (0xE2, 0xC2): (_CIRC, ""),
    (0xE1, 0xC1): (_CIRC, _ACUTE),
    (0xE0, 0xC0): (_CIRC, _GRAVE),
    (0xE5, 0xC5): (_CIRC, _HOOK),
    (0xE3, 0xC3): (_CIRC, _TILDE),
    (0xE4, 0xC4): (_CIRC, _DOT),
    (0xEA, 0xCA): (_BREVE, ""),
    (0xE9, 0xC9): (_BREVE, _ACUTE),
    (0xE8, 0xC8): (_BREVE, _GRAVE),
    (0xFA, 0xDA): (_BREVE, _HOOK),
    (0xFC, 0xDC): (_BREVE, _TILDE),
    (0xEB, 0xCB): (_BREVE, _DOT),
}
_VNI_LETTERS: dict[str, str] = {chr(b): u for b, u in _VNI_LETTER_BYTES.items()}
_VNI_MARKS: dict[str, tuple[str, str]] = {
    chr(b): value for pair, value in _VNI_MARK_BYTES.items() for b in pair
}
_MODIFIABLE = {_CIRC: frozenset("aeo"), _BREVE: frozenset("a")}


def _decode_tcvn3(token: str) -> tuple[str, bool]:
    """Reinterpret *token* as TCVN3; the flag says every high char was known."""
    out: list[str] = []
    ok = True
    for ch in token:
        if ch in _TCVN3:
            out.append(_TCVN3[ch])
        else:
            ok = ok and ord(ch) < 0x80
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), ok


def _decode_vni(token: str) -> tuple[str, bool]:
    """Reinterpret *token* as VNI; the flag says every mark found its vowel."""
    out: list[str] = []
    ok = True
    for ch in token:
        if ch in _VNI_LETTERS:
            out.append(_VNI_LETTERS[ch])
            continue
        if ch not in _VNI_MARKS:
            ok = ok and ord(ch) < 0x80
            out.append(ch)
            continue
        modifier, tone = _VNI_MARKS[ch]
        prev = unicodedata.normalize("NFD", out[-1]) if out else ""
        base = prev[:1].lower()
        prev_marks = prev[1:]
        applicable = (
            base != ""
            and base in "aeiouy"
            and not (tone and any(m in _TONE_RANK for m in prev_marks))
            and not (modifier and (base not in _MODIFIABLE[modifier] or prev_marks))
        )
        if not applicable:
            ok = False
            out.append(ch)
            continue
        out[-1] = unicodedata.normalize("NFC", prev + modifier + tone)
    return unicodedata.normalize("NFC", "".join(out)), ok


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


# What betrays each encoding inside a word. Latin-1 letters such as "é" or "ô"
# decode under TCVN3 too, but French "tôt" -> "tụt" must not count as
# evidence, so for TCVN3 only the table's symbols (§ ¨ ¸ ¶, plus µ and ª,
# which are "letters" no real word contains) and a capital after a lowercase
# letter ("cÊp" = "cấp") count. For VNI: the tone/hat bytes and the letters
# Vietnamese never has (ñ, æ, î, ö); "ô", "í", "ó" are ordinary Vietnamese.
_TELLTALE_RE: dict[str, re.Pattern[str]] = {
    "TCVN3": re.compile(
        _char_class([ch for ch in _TCVN3 if not ch.isalpha()] + ["µ", "ª"])
        + r"|(?<=[a-z\u00df-\u00f6\u00f8-\u00ff])[\u00c0-\u00d6\u00d8-\u00de]"
    ),
    "VNI": re.compile(_char_class([*_VNI_MARKS, *"ñÑæÆîÎöÖ"])),
}
_DECODERS: dict[str, Callable[[str], tuple[str, bool]]] = {
    "TCVN3": _decode_tcvn3,
    "VNI": _decode_vni,
}
# Words are ASCII letters plus the printable upper half of Latin-1 (where both
# tables live); NBSP and C1 controls separate words like spaces do.
_TOKEN_RE = re.compile(r"[A-Za-z\u00a1-\u00ff]+")
# Scraped text often glues words ("thủ tụcTên"): split before an ASCII capital
# that follows a lowercase letter, which no legacy-encoded word contains.
_CAMEL_RE = re.compile(r"(?<=[a-z\u00df-\u00f6\u00f8-\u00ff])(?=[A-Z])")


def _tokens(text: str) -> set[str]:
    """Distinct candidate words, so one repeated word ("où ... où") cannot outvote."""
    return {part for token in _TOKEN_RE.findall(text) for part in _CAMEL_RE.split(token)}


def _score(text: str, encoding: str) -> tuple[int, int, int]:
    """Count (strong, good, bad) words for reading *text* as *encoding*.

    good: a distinct word mixing ASCII letters with table characters that
    decodes to a legal Vietnamese syllable. strong: a good word of two or
    more letters that contains a tell-tale character and was *not* already a
    legal syllable (so "Cô bé" read as TCVN3, which happens to decode to
    "Cụ bộ", is not evidence). bad: a mixed word that fails to decode or
    decodes to something un-Vietnamese ("café" -> "cafộ").
    """
    decode = _DECODERS[encoding]
    telltale = _TELLTALE_RE[encoding]
    strong = good = bad = 0
    for token in _tokens(text):
        high = [ch for ch in token if ord(ch) >= 0x80]
        if not high or not any(ch.isascii() for ch in token):
            continue  # lone symbols such as "§" or "«" prove nothing
        decoded, ok = decode(token)
        if ok and _is_vi_syllable(decoded):
            good += 1
            if len(decoded) > 1 and telltale.search(token) is not None and not _is_vi_syllable(token):
                strong += 1
        else:
            bad += 1
    return strong, good, bad


_LATIN1_HIGH = re.compile("[\x80-\xff\u0300-\u036f]")
"""Latin-1 letters, or combining marks that NFC may compose into them."""
_VIETNAMESE_BEYOND_LATIN1 = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
"""ă đ ĩ ũ ơ ư and the precomposed toned letters: NFC keeps them, and mojibake never has them."""


def detect_mojibake(text: str) -> str | None:
    """Name the legacy font encoding ("TCVN3" or "VNI") *text* was typed in, if any.

    Old Word documents typed with the ABC (TCVN3) or VNI fonts look like
    "§¨ng ký" / "Ñaêng kyù" once the font is gone, and such text still gets
    pasted into catalogues. The test is a trial decode: it fires only if at
    least two distinct words become legal Vietnamese syllables, at least one
    of them was not a legal syllable before, and such words outnumber
    failed decodes two to one (scraped text glues words, so some failures
    are normal). Text containing any letter or combining mark beyond Latin-1
    (ă, đ, ơ, ư, ệ, combining tones, ...) is never mojibake: legacy fonts read
    as Windows-1252 cannot produce those code points, so correct NFC/NFD text
    is rejected before any guessing. Symbols beyond Latin-1 (curly quotes,
    Wingdings bullets pasted as private-use characters, LRM) are tolerated,
    because old Word documents carry them alongside the garbled letters.
    """
    if not _LATIN1_HIGH.search(text) or _VIETNAMESE_BEYOND_LATIN1.search(text):
        return None  # fast paths for ASCII and for real Vietnamese, the common cases
    text = nfc(text)
    if not any(0x80 <= ord(ch) <= 0xFF for ch in text):
        return None
    if any(ord(ch) > 0xFF and unicodedata.category(ch)[0] in "LM" for ch in text):
        return None
    best: str | None = None
    best_rank = (0, 0)
    for encoding in _DECODERS:
        strong, good, bad = _score(text, encoding)
        if strong >= 1 and good >= 2 and good >= 2 * bad:
            rank = (strong, good - bad)
            if rank > best_rank:
                best, best_rank = encoding, rank
    return best


def repair_mojibake(text: str) -> str | None:
    """Convert TCVN3/VNI mojibake back to NFC Unicode; ``None`` if not detected.

    Returning ``None`` rather than the input keeps callers from silently
    "repairing" text that was fine, which would corrupt it.
    """
    encoding = detect_mojibake(text)
    if encoding is None:
        return None
    decoded, _ = _DECODERS[encoding](nfc(text))
    return nfc(decoded)


# --------------------------------------------------------------------------
# Byte-level encoding guess
# --------------------------------------------------------------------------

# Bytes where Windows-1258 differs from Windows-1252 in a way Vietnamese
# needs: Ă ă Đ đ Ơ ơ Ư ư ₫ and the five combining tone marks.
_CP1258_VI_BYTES = frozenset(b"\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd\xfe\xcc\xec\xde\xd2\xf2")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _looks_utf16(data: bytes) -> str | None:
    """Spot BOM-less UTF-16 by the NUL high byte of ASCII/Latin-1 characters."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    for zeros, others, label in ((odd, even, "utf-16"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.5 * half and others.count(0) <= 0.1 * half:
            try:
                data.decode("utf-16-le" if label == "utf-16" else "utf-16-be")
            except UnicodeDecodeError:
                return None
            return label
    return None


def _is_cp1258_vietnamese(data: bytes) -> bool:
    """Tell whether *data* decodes under Windows-1258 into Vietnamese words."""
    if not _CP1258_VI_BYTES.intersection(data):
        return False  # without these bytes cp1258 and cp1252 read the same
    try:
        decoded = nfc(data.decode("cp1258"))
    except UnicodeDecodeError:
        return False
    evidence = against = 0
    for word in _WORD_RE.findall(decoded):
        if word.isascii():
            continue
        if _is_vi_syllable(word):
            evidence += 1
        else:
            against += 1
    # A tone mark that did not compose sat on a consonant or a space: not
    # Vietnamese, whatever the words look like.
    against += sum(1 for ch in decoded if unicodedata.combining(ch))
    return evidence >= 1 and evidence >= 2 * against


def guess_encoding(data: bytes) -> str | None:
    """Guess the encoding of a file that is not (or may not be) UTF-8.

    Returns "utf-8" (valid UTF-8, including BOM-marked), "utf-16" (BOM, or
    BOM-less little-endian), "utf-16-be" (BOM-less big-endian, which the
    plain "utf-16" codec would misread), "windows-1258" (Vietnamese in the
    Windows code page, whose tones are combining marks that NFC composes),
    "latin-1/windows-1252" for other single-byte text, or ``None`` for data
    that looks binary. Vietnamese CSV exports from older Excel are the
    usual reason this matters: reading them as Latin-1 silently destroys
    every đ, ơ and ư.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    utf16 = _looks_utf16(data)
    if utf16 is not None:
        return utf16
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8" if b"\x00" not in data else None
    if b"\x00" in data:
        return None
    controls = sum(1 for b in data if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    if controls > 0.05 * len(data):
        return None
    if _is_cp1258_vietnamese(data):
        return "windows-1258"
    return "latin-1/windows-1252"


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
