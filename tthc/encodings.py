"""How Vietnamese text arrives garbled, and how to tell: legacy font encodings and byte encodings.

Word documents typed decades ago in TCVN3 (ABC) or VNI fonts and pasted as
Latin-1 show as mojibake such as "§¨ng ký" or "Ñaêng kyù"; files saved by
old Windows tools are Windows-1258 or UTF-16 rather than UTF-8. Telling such
text from genuine Vietnamese needs to know which syllables Vietnamese has,
so that knowledge lives here too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from tthc.collation import TONE_RANK
from tthc.text import nfc

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
def is_vi_syllable(word: str) -> bool:
    """Tell whether *word* is spelled like one Vietnamese syllable.

    A decode that produces real syllables is the evidence the mojibake and
    encoding heuristics rely on: Latin-1 words reinterpreted through the
    wrong table almost never come out as legal Vietnamese spelling (one tone,
    legal initial/rime, stop finals only with sắc or nặng).
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in TONE_RANK]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_RANK))
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
            and not (tone and any(m in TONE_RANK for m in prev_marks))
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
        if ok and is_vi_syllable(decoded):
            good += 1
            if len(decoded) > 1 and telltale.search(token) is not None and not is_vi_syllable(token):
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
        if is_vi_syllable(word):
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
