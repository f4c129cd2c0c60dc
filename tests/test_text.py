"""Tests for tthc.text: Vietnamese normalisation, collation and encodings."""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tthc import collation, encodings
from tthc.collation import sort_key, sort_vi, vi_key
from tthc.encodings import detect_mojibake, guess_encoding, repair_mojibake
from tthc.text import fold, invisible_chars, is_nfc, nfc, slug

RECORDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-procedures" / "records.json"


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    if not RECORDS.is_file():
        pytest.skip(f"real data not available at {RECORDS}")
    data: list[dict[str, Any]] = json.loads(RECORDS.read_text(encoding="utf-8"))
    return data


# --- encoders built from the module's byte tables (test-side, independent of
# --- the decoders under test) ----------------------------------------------

TCVN3_ENCODE = {u: chr(b) for b, u in encodings._TCVN3_BYTES.items()}
VNI_LETTER_ENCODE = {u: chr(b) for b, u in encodings._VNI_LETTER_BYTES.items()}
VNI_MARK_ENCODE = {value: pair for pair, value in encodings._VNI_MARK_BYTES.items()}
TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_tcvn3(s: str) -> str:
    """Encode like an ABC-font user: toned capitals typed in the caps font."""
    out = []
    for ch in nfc(s):
        if ch in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch])
        elif ch.lower() in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def tcvn3_expected(s: str) -> str:
    """What a TCVN3 round trip can give back: toned capitals become lowercase."""
    return "".join(
        ch if ch in TCVN3_ENCODE or ch.lower() not in TCVN3_ENCODE else ch.lower() for ch in nfc(s)
    )


def to_vni(s: str) -> str:
    out = []
    for ch in nfc(s):
        if ch in VNI_LETTER_ENCODE:
            out.append(VNI_LETTER_ENCODE[ch])
            continue
        parts = nfd(ch)
        if len(parts) == 1 or not parts[0].isascii():
            out.append(ch)
            continue
        tone = "".join(m for m in parts[1:] if m in TONES)
        rest = "".join(m for m in parts[1:] if m not in TONES)
        modifier = rest if rest in ("\u0302", "\u0306") else ""
        base = nfc(parts[0] + ("" if modifier else rest))
        out.append(VNI_LETTER_ENCODE.get(base, base))
        if modifier or tone:
            lower_byte, upper_byte = VNI_MARK_ENCODE[(modifier, tone)]
            out.append(chr(upper_byte if parts[0].isupper() else lower_byte))
    return "".join(out)


def to_cp1258(s: str) -> bytes:
    """Encode the way Windows-1258 stores Vietnamese: base letter + tone mark."""
    out = b""
    for ch in nfc(s):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = nfd(ch)
            base = nfc("".join(m for m in parts if m not in TONES))
            tone = "".join(m for m in parts if m in TONES)
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


# --- nfc / is_nfc ---------------------------------------------------------


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = nfd("Nghị định")
    assert len(decomposed) > len("Nghị định")
    assert nfc(decomposed) == "Nghị định"
    assert not is_nfc(decomposed)
    assert is_nfc("Nghị định")
    assert is_nfc("plain ASCII")


# --- fold / slug ----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("  ĐĂNG   KÝ\tKẾT HÔN\n", "dang ky ket hon"),
        ("Ưu đãi người có công", "uu dai nguoi co cong"),
        ("Giấy chứng nhận quyền sử dụng đất", "giay chung nhan quyen su dung dat"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("", ""),
    ],
)
def test_fold(source: str, expected: str) -> None:
    assert fold(source) == expected
    assert fold(nfd(source)) == expected


def test_fold_matches_unaccented_query() -> None:
    title = "Thủ tục đăng ký thường trú"
    assert fold("dang ky thuong tru") in fold(title)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hộ tịch", "ho-tich"),
        ("Đăng ký, quản lý cư trú", "dang-ky-quan-ly-cu-tru"),
        ("  Bảo trợ xã hội  ", "bao-tro-xa-hoi"),
        ("Nghị định 63/2010/NĐ-CP", "nghi-dinh-63-2010-nd-cp"),
        ("--Đất đai!!", "dat-dai"),
        ("Ở", "o"),
    ],
)
def test_slug(source: str, expected: str) -> None:
    assert slug(source) == expected
    assert slug(nfd(source)) == expected
    assert slug(source).isascii()


# --- collation ------------------------------------------------------------

FIELDS_IN_ORDER = [
    "Ăn uống",
    "Âm nhạc",
    "Ân xá",
    "Bảo trợ xã hội",
    "Chứng thực",
    "Đăng ký biện pháp bảo đảm",
    "Đăng ký, quản lý cư trú",
    "Đất đai",
    "Giáo dục trung học",
    "Hộ tịch",
    "Nuôi con nuôi",
    "Ô tô",
    "Ở",
    "Ơn",
    "Ưu đãi người có công",
    "Việc làm",
    "Xây dựng",
    "Y tế",
]


@pytest.mark.parametrize("seed", range(5))
def test_sort_real_field_names(seed: int) -> None:
    shuffled = FIELDS_IN_ORDER[:]
    random.Random(seed).shuffle(shuffled)
    assert sort_vi(shuffled) == FIELDS_IN_ORDER


def test_sort_letter_order_of_alphabet() -> None:
    expected = [
        "An ninh",
        "Ăn uống",
        "Ân xá",
        "Bảo hiểm",
        "Cư trú",
        "Dân tộc",
        "Đo lường",
        "Em",
        "Ê kíp",
        "Festival",
        "Giao thông",
        "Ong",
        "Ô tô",
        "Ơn",
        "Uỷ quyền",
        "Ưu đãi",
        "Văn hóa",
        "Website",
        "Xã hội",
        "Y tế",
        "Zalo",
    ]
    assert sort_vi(reversed(expected)) == expected


def test_sort_tones_in_dictionary_order() -> None:
    expected = ["ma", "mà", "mả", "mã", "má", "mạ"]
    for seed in range(5):
        shuffled = expected[:]
        random.Random(seed).shuffle(shuffled)
        assert sort_vi(shuffled) == expected


def test_sort_letters_before_tones_before_case() -> None:
    # Tone only matters when all letters tie; case only when tones tie too.
    assert sort_vi(["mạc", "mác", "mai", "Ma", "ma"]) == ["ma", "Ma", "mác", "mạc", "mai"]


def test_sort_spaces_and_prefixes() -> None:
    assert sort_vi(["Anh", "An Giang", "An"]) == ["An", "An Giang", "Anh"]


def test_sort_numeric_runs() -> None:
    steps = ["Bước 10", "Bước 2", "Bước 1", "Bước 1a", "Bước"]
    assert sort_vi(steps) == ["Bước", "Bước 1", "Bước 1a", "Bước 2", "Bước 10"]
    assert sort_vi(["Điều 100", "Điều 9", "Điều 20"]) == ["Điều 9", "Điều 20", "Điều 100"]
    assert sort_key("2") < sort_key("a")


def test_sort_is_total_and_deterministic() -> None:
    variants = ["Bước 02", "Bước 2", "Bước  2"]
    assert len({sort_key(v) for v in variants}) == 3
    assert sort_vi(variants) == sort_vi(reversed(variants))


def test_sort_key_nfd_equals_nfc() -> None:
    for name in FIELDS_IN_ORDER:
        assert sort_key(nfd(name)) == sort_key(name)
    mixed = [nfd(name) if i % 2 else name for i, name in enumerate(FIELDS_IN_ORDER)]
    assert [nfc(s) for s in sort_vi(reversed(mixed))] == FIELDS_IN_ORDER


def _catalogue_texts() -> list[str]:
    """Every string of the sample catalogue: names, steps, notes, legal titles."""
    from tthc.model import iter_strings
    from tthc.reading import load_catalogue
    from tthc.source import folder_files

    sample = Path(__file__).resolve().parents[1] / "catalogue"
    catalogue, _ = load_catalogue(str(sample), folder_files(sample))
    return [value for doc in catalogue.documents.values() for _, value, _ in iter_strings(doc.data)]


AWKWARD = [
    "", " ", "  a  b ", "Bước 02 và bước 2", "a\u0301", "e\u0302\u0301\u0323", " \u0301x", "1\u0301",
    "Ŏ ŏ ǒ", "İstanbul", "한국어", "ｆｕｌｌ", "ǅemal", "Å Å", "x\u0338y", "٣٤ ١٢", "𝟘𝟙", "Đ\u0303", "\u00a0\u2003",
    "ﬁ ﬂ", "Ω Ω", "ế\u0301", "a\tb\nc",
]


def test_sort_key_per_character_equals_the_full_walk() -> None:
    """The lookup path of sort_key must give the very key of the full walk, on real and on awkward text."""
    portal = json.loads(RECORDS.read_text("utf-8")) if RECORDS.is_file() else []
    real = [*_catalogue_texts(), *(value for r in portal for value in r.values() if isinstance(value, str))]
    corpus = [value[:400] for value in dict.fromkeys(real)] + AWKWARD  # the first 400 characters: every kind of letter
    rng = random.Random("sort-key")
    pieces = [*AWKWARD, "á", "\u0323", "9", " ", "-", "đ", "Ư", "\u0301"]
    corpus += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for value in corpus:
        assert sort_key(value) == collation.sort_key_of_clusters(value), repr(value)
        assert fold(value) == _fold_by_marks(value), repr(value)


def _fold_by_marks(value: str) -> str:
    """fold as first written: every combining mark dropped by unicodedata, one character at a time."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", value) if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").casefold().split())


def test_vi_key_sorts_objects() -> None:
    @dataclass
    class Field:
        name: str

    def name_of(field: Field) -> str:
        return field.name

    fields = [Field("Y tế"), Field("Đất đai"), Field("Ăn uống"), Field("Dân tộc")]
    ordered = sorted(fields, key=vi_key(name_of))
    assert [f.name for f in ordered] == ["Ăn uống", "Dân tộc", "Đất đai", "Y tế"]


# --- mojibake -------------------------------------------------------------

CORRECT_VIETNAMESE = [
    "Đăng ký khai sinh",
    "Cấp bản sao trích lục hộ tịch",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp",
    "Hồ sơ nộp trực tiếp tại Bộ phận Một cửa của Ủy ban nhân dân cấp xã.",
    "Trong thời hạn 03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, "
    "công chức tư pháp - hộ tịch báo cáo Chủ tịch Ủy ban nhân dân.",
    "Trường hợp hồ sơ chưa đầy đủ thì hướng dẫn người nộp hoàn thiện theo quy định.",
    "Lệ phí: Miễn lệ phí đối với người thuộc gia đình có công với cách mạng.",
    "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
    "Bản sao Giấy chứng minh nhân dân hoặc Căn cước công dân còn hiệu lực.",
    "Thủ tục hải quan đối với xăng dầu, hóa chất, khí, nguyên liệu xuất khẩu, tái xuất",
    "Quyết định công nhận hoà giải viên; thoả thuận về việc nuôi con nuôi.",
    # Vietnamese that happens to be pure Latin-1, a worst case for the check:
    "Cô bé bán cá",
    "Hoà hoãn",
    "Tây Ninh",
    "Cà Mau",
    "Toà án",
]

NOT_VIETNAMESE = [
    "The applicant submits the dossier in person or by post.",
    "café",
    "naïve",
    "50 %",
    "§ 3",
    "See § 3 and ¶ 4 of the Decree.",
    "« Bonjour »",
    "Le café est très bon à Paris, où il fait beau.",
    "Où êtes-vous ? Où ?",
    "Je ne sais pas où il est allé.",
    "São Paulo não é longe.",
    "Grüße aus München, Zürich und Köln.",
    "El niño comió jalapeño en Año Nuevo.",
    "Crème brûlée, résumé, déjà vu, fiancée.",
    "Temperature 25 °C ± 2; price £10 or ¥1000; ½ cup.",
    "Kyù",
    "",
]


@pytest.mark.parametrize("sentence", CORRECT_VIETNAMESE)
def test_correct_vietnamese_is_not_mojibake(sentence: str) -> None:
    assert detect_mojibake(sentence) is None
    assert detect_mojibake(nfd(sentence)) is None
    assert repair_mojibake(sentence) is None


@pytest.mark.parametrize("sentence", NOT_VIETNAMESE)
def test_other_languages_are_not_mojibake(sentence: str) -> None:
    assert detect_mojibake(sentence) is None
    assert repair_mojibake(sentence) is None


def test_literal_vni_repairs() -> None:
    assert detect_mojibake("Ñaêng kyù khai sinh") == "VNI"
    assert repair_mojibake("Ñaêng kyù khai sinh") == "Đăng ký khai sinh"
    assert repair_mojibake("Xin chaøo caùc baïn") == "Xin chào các bạn"


def test_literal_tcvn3_repairs() -> None:
    assert detect_mojibake("§¨ng ký") == "TCVN3"
    assert repair_mojibake("§¨ng ký") == "Đăng ký"
    assert repair_mojibake("§¨ng ký khai sinh") == "Đăng ký khai sinh"
    assert repair_mojibake("B¶o Th¾ng") == "Bảo Thắng"
    # "ư" is byte 0xAD, a soft hyphen once misread as Latin-1.
    assert repair_mojibake("M\u00ad\u00eang Kh\u00ad\u00acng") == "Mường Khương"


def test_table_encoded_strings_repair() -> None:
    source = "Đăng ký khai sinh"
    tcvn3 = to_tcvn3(source)
    assert tcvn3 == "§¨ng ký khai sinh"
    assert repair_mojibake(tcvn3) == source
    vni = to_vni(source)
    assert vni == "Ñaêng kyù khai sinh"
    assert repair_mojibake(vni) == source


@pytest.mark.parametrize(
    "sentence",
    [
        "Ưu đãi người có công với cách mạng",
        "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Giấy chứng nhận quyền sử dụng đất",
    ],
)
def test_round_trip_through_both_tables(sentence: str) -> None:
    assert detect_mojibake(to_vni(sentence)) == "VNI"
    assert repair_mojibake(to_vni(sentence)) == sentence
    assert detect_mojibake(to_tcvn3(sentence)) == "TCVN3"
    assert repair_mojibake(to_tcvn3(sentence)) == tcvn3_expected(sentence)


def test_nfd_mojibake_is_still_detected() -> None:
    # An editor may have normalised the garbled text; the Latin-1 letters
    # are recomposed first.
    assert repair_mojibake(nfd("Ñaêng kyù khai sinh")) == "Đăng ký khai sinh"


# --- guess_encoding -------------------------------------------------------


def test_guess_encoding_cp1258() -> None:
    data = to_cp1258("Đăng ký khai sinh")
    assert data == b"\xd0\xe3ng ky\xec khai sinh"
    assert guess_encoding(data) == "windows-1258"
    assert nfc(data.decode("cp1258")) == "Đăng ký khai sinh"
    long_text = "Trường hợp hồ sơ chưa đầy đủ thì hướng dẫn người nộp hoàn thiện."
    assert guess_encoding(to_cp1258(long_text)) == "windows-1258"


def test_guess_encoding_utf16() -> None:
    source = "Đăng ký khai sinh"
    assert guess_encoding(source.encode("utf-16")) == "utf-16"
    assert guess_encoding(b"\xfe\xff" + source.encode("utf-16-be")) == "utf-16"
    assert guess_encoding(source.encode("utf-16-le")) == "utf-16"
    assert guess_encoding("Ho tich".encode("utf-16-be")) == "utf-16-be"


def test_guess_encoding_latin1_and_utf8() -> None:
    assert guess_encoding("Crème brûlée à Paris".encode("latin-1")) == "latin-1/windows-1252"
    assert guess_encoding("São Paulo".encode("cp1252")) == "latin-1/windows-1252"
    assert guess_encoding("“quoted” – dash".encode("cp1252")) == "latin-1/windows-1252"
    assert guess_encoding("Đăng ký khai sinh".encode()) == "utf-8"


def test_guess_encoding_binary() -> None:
    assert guess_encoding(bytes(range(256))) is None
    assert guess_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00") is None
    assert guess_encoding(b"\x03\x04\x05\x06 abc \xff") is None


# --- invisible characters -------------------------------------------------


def test_invisible_chars() -> None:
    s = "Hộ\u200btịch\u00ad\tok\n\u202eX\ufeff\x07\x85\u2060"
    assert invisible_chars(s) == [
        (2, "ZERO WIDTH SPACE"),
        (7, "SOFT HYPHEN"),
        (12, "RIGHT-TO-LEFT OVERRIDE"),
        (14, "ZERO WIDTH NO-BREAK SPACE"),
        (15, "U+0007"),
        (16, "U+0085"),
        (17, "WORD JOINER"),
    ]
    assert invisible_chars("Đăng ký\tkhai sinh\n") == []
    assert invisible_chars("a\rb") == [(1, "U+000D")]


# --- real data from the national portal -----------------------------------


def test_real_names_and_steps_are_not_mojibake(records: list[dict[str, Any]]) -> None:
    assert len(records) == 300
    flagged = [
        r["ten_thu_tuc"]
        for r in records
        if detect_mojibake(nfc(r["ten_thu_tuc"])) is not None
        or detect_mojibake(nfc(r["trinh_tu_thuc_hien"])) is not None
    ]
    assert flagged == []


def test_real_names_fold_and_sort_ignore_normalisation(
    records: list[dict[str, Any]],
) -> None:
    for record in records:
        name = nfc(record["ten_thu_tuc"])
        assert fold(nfd(name)) == fold(name)
        assert sort_key(nfd(name)) == sort_key(name)
        assert slug(nfd(name)) == slug(name)


def test_real_names_sort_like_folded_names_at_first_level(
    records: list[dict[str, Any]],
) -> None:
    names = sort_vi(nfc(r["ten_thu_tuc"]) for r in records)
    firsts = [fold(n)[0] for n in names if fold(n)[:1].isalpha()]
    assert firsts == sorted(firsts)  # ASCII order of folded initials agrees


def test_real_texts_survive_legacy_round_trip(records: list[dict[str, Any]]) -> None:
    """Encode every real name and step text through each table, then repair.

    A garbled text must never be attributed to the wrong encoding or repaired
    wrongly. A short TCVN3 text made only of Latin-1 letters ("Chøng thùc di
    chóc") looks too much like French to be flagged, so a few misses are
    tolerated.
    """
    missed: list[str] = []
    tried = 0
    for record in records:
        for source in (record["ten_thu_tuc"], record["trinh_tu_thuc_hien"]):
            original = nfc(source)
            for encoding, encode, expected in (
                ("VNI", to_vni, original),
                ("TCVN3", to_tcvn3, tcvn3_expected(original)),
            ):
                garbled = encode(original)
                if garbled == original:
                    continue
                tried += 1
                found = detect_mojibake(garbled)
                if found is None:
                    missed.append(garbled)
                    continue
                assert found == encoding, garbled
                assert repair_mojibake(garbled) == expected
    assert tried > 1000
    assert len(missed) <= tried // 100, missed
