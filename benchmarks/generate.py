#!/usr/bin/env python3
"""Generate a realistic synthetic TTHC catalogue of N procedures, deterministically.

    python benchmarks/generate.py --procedures 10000 --out /tmp/cat [--seed 1]
                                  [--revision2 /tmp/cat2] [--sample catalogue]

The catalogue imitates the sample catalogue (``catalogue/`` in the repository):

* every procedure takes the *shape* of one sample procedure (number of steps,
  channels, dossier cases and items, results, legal texts, forms, which
  optional keys are present) and gets new text recombined from the sample's
  own sentences and phrases, so text lengths and vocabulary stay realistic;
* the sample's 12 fields, plus synthetic fields when N is large (about one
  field per 20 procedures, at most 400), with a skewed (Zipf) share per field;
* about 1/4 of procedures at provincial level, 3/4 at commune level and a few
  at both, varying by field;
* unique national codes ``d.dddddd``;
* announcement decisions of 50 to 200 procedures each, in a consistent
  history: every procedure is announced (new, or replacing an older one) and
  may be amended later; some procedures are announced and later abolished
  (they have no file); every procedure lists exactly the decisions that name
  it, oldest first.

``--findings`` writes a catalogue as a province's first import leaves it
instead (see :func:`to_fill`): no decision has been written yet and every
procedure has ``decisions: []  # CẦN ĐIỀN``, so every procedure file has at
least two findings (``schema-empty`` and the cross-file
``procedure-not-announced``), and some have more components left to fill,
as ``tthc new`` and the importers leave them (an empty required list, a
processing time without its number, a fee without its amount).

``--revision2 DIR`` also writes a second revision of the same catalogue: about
1 % of the procedures amended (fee, processing time, steps or dossier), about
0.3 % new and 0.2 % abolished, with one new decision that lists them all.

Without ``--findings``, both trees validate with ``tthc validate`` (0 errors, 0 warnings). Output is a
pure function of N, the seed and the sample catalogue: two runs give
byte-identical trees. Randomness comes only from ``random.Random`` seeded with
strings (hashed with SHA-512 by Python, independent of PYTHONHASHSEED).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import unicodedata
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLE = REPO / "catalogue"

AS_OF = dt.date(2026, 11, 1)
HISTORY_START = dt.date(2023, 1, 9)
HISTORY_END = dt.date(2026, 9, 30)
REVISION2_SIGNED = dt.date(2026, 10, 15)
ISSUER = "Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị"
PORTAL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"
PROVINCIAL, COMMUNE = "Cấp tỉnh", "Cấp xã"

COMPONENT_ORDER = (
    "name", "field", "level", "kind", "steps", "methods", "time", "fee", "dossier",
    "subjects", "agencies", "results", "requirements", "legal_basis", "forms",
)
AMENDABLE = ("steps", "methods", "time", "fee", "dossier", "legal_basis", "agencies", "requirements", "results")
REVISION2_COMPONENTS = ("fee", "time", "steps", "dossier")

# Real sector names (lĩnh vực) of provincial catalogues, used after the sample's own fields.
EXTRA_FIELDS = (
    "Giáo dục mầm non", "Giáo dục tiểu học", "Giáo dục trung học cơ sở", "Giáo dục thường xuyên",
    "Giáo dục nghề nghiệp", "Thi, tuyển sinh", "Văn bằng, chứng chỉ", "Khám bệnh, chữa bệnh",
    "Y tế dự phòng", "Dược phẩm", "Mỹ phẩm", "Trang thiết bị y tế", "An toàn thực phẩm",
    "Y dược cổ truyền", "Dân số", "Bảo hiểm y tế", "Xây dựng", "Quy hoạch xây dựng", "Nhà ở",
    "Kinh doanh bất động sản", "Hạ tầng kỹ thuật", "Vật liệu xây dựng", "Giao thông đường bộ",
    "Đường thủy nội địa", "Đăng kiểm", "Môi trường", "Tài nguyên nước", "Khoáng sản",
    "Đo đạc, bản đồ", "Khí tượng thủy văn", "Biển và hải đảo", "Lâm nghiệp", "Thủy sản",
    "Trồng trọt", "Chăn nuôi", "Thú y", "Bảo vệ thực vật", "Thủy lợi", "Phòng, chống thiên tai",
    "Văn hóa cơ sở", "Thể dục thể thao", "Du lịch", "Gia đình", "Di sản văn hóa",
    "Nghệ thuật biểu diễn", "Mỹ thuật, nhiếp ảnh, triển lãm", "Quảng cáo", "Thư viện",
    "Báo chí", "Xuất bản, in và phát hành", "Phát thanh, truyền hình", "Bưu chính",
    "Viễn thông và Internet", "Công nghệ thông tin, điện tử", "Khoa học và công nghệ",
    "Tiêu chuẩn đo lường chất lượng", "Sở hữu trí tuệ", "An toàn bức xạ và hạt nhân",
    "Thương mại quốc tế", "Lưu thông hàng hóa trong nước", "Điện", "Hóa chất", "Kinh doanh khí",
    "Công nghiệp tiêu dùng", "Xúc tiến thương mại", "Quản lý cạnh tranh", "Vật liệu nổ công nghiệp",
    "Thành lập và hoạt động của doanh nghiệp", "Đầu tư tại Việt Nam", "Thành lập và hoạt động của hợp tác xã",
    "Đấu thầu", "Quản lý công sản", "Tài chính doanh nghiệp", "Giá", "Người có công",
    "Lao động", "Tiền lương", "An toàn, vệ sinh lao động", "Phòng, chống tệ nạn xã hội", "Trẻ em",
    "Bình đẳng giới", "Tín ngưỡng, tôn giáo", "Thi đua, khen thưởng", "Văn thư, lưu trữ",
    "Công chức, viên chức", "Chính quyền địa phương", "Tổ chức phi chính phủ", "Thanh niên",
    "Công tác dân tộc", "Thanh tra", "Giải quyết khiếu nại", "Giải quyết tố cáo", "Tiếp công dân",
    "Phòng, chống tham nhũng", "Luật sư", "Công chứng", "Giám định tư pháp", "Trợ giúp pháp lý",
    "Hòa giải ở cơ sở", "Phổ biến, giáo dục pháp luật", "Bồi thường nhà nước", "Quốc tịch",
    "Lý lịch tư pháp", "Đấu giá tài sản", "Trọng tài thương mại", "Hòa giải thương mại",
    "Thừa phát lại", "Phòng cháy, chữa cháy", "Quản lý ngành nghề kinh doanh có điều kiện",
    "Xuất nhập cảnh", "Kinh tế hợp tác", "Phát triển nông thôn", "Quản lý chất lượng nông lâm sản",
    "Ngoại vụ", "Hội, quỹ xã hội", "Địa giới hành chính", "Quốc phòng", "Dân quân tự vệ",
    "Ngân sách nhà nước", "Hải quan", "Ngân hàng", "Kiểm lâm",
)
FIELD_GROUPS = ("thuộc thẩm quyền cấp tỉnh", "thuộc thẩm quyền cấp xã", "đối với tổ chức", "đối với cá nhân")

EXTRA_AGENCIES = (
    ("so-xay-dung", "Sở Xây dựng tỉnh Quảng Trị"),
    ("so-tai-chinh", "Sở Tài chính tỉnh Quảng Trị"),
    ("so-cong-thuong", "Sở Công Thương tỉnh Quảng Trị"),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Trị"),
    ("so-khcn", "Sở Khoa học và Công nghệ tỉnh Quảng Trị"),
    ("so-dtg", "Sở Dân tộc và Tôn giáo tỉnh Quảng Trị"),
    ("thanh-tra-tinh", "Thanh tra tỉnh Quảng Trị"),
)
PROVINCIAL_PERFORMERS = (
    "so-tu-phap", "so-gddt", "so-noi-vu", "so-y-te", "so-nnmt", "vpdkdd", "so-xay-dung",
    "so-tai-chinh", "so-cong-thuong", "so-vhttdl", "so-khcn", "so-dtg", "ttpvhcc-tinh",
)
STANDARD_DECISION_BASIS = ("63/2010/NĐ-CP", "92/2017/NĐ-CP", "02/2017/TT-VPCP")

TIME_VALUES = (1, 2, 3, 5, 5, 7, 10, 10, 15, 20, 30, 45, 60)
MONTH_VALUES = (1, 2, 3, 6)
TODO = "CẦN ĐIỀN"
FEE_AMOUNTS = (5000, 8000, 10000, 15000, 20000, 30000, 50000, 100000, 150000, 200000, 500000, 1000000)


# --------------------------------------------------------------------------
# YAML output (hand-written: fast, stable, and shaped like the sample files)
# --------------------------------------------------------------------------

_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})
_NUMBER_LIKE = re.compile(r"\d{1,5}(\.\d{1,3})?/(\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(-[A-ZĐ0-9]+)*")


def _plain_ok(value: str, flow: bool = False) -> bool:
    """Whether a string may be written without quotes and read back as the same string."""
    if not value or value != value.strip() or value.casefold() in _RESERVED:
        return False
    first = value[0]
    if first.isdigit():
        if not _NUMBER_LIKE.fullmatch(value):
            return False
    elif not (first.isalpha() or first == "("):
        return False
    if ": " in value or " #" in value or value.endswith(":") or "\t" in value or "\n" in value:
        return False
    return not (flow and any(c in value for c in ",[]{}"))


def _scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if _plain_ok(value, flow) else json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__}")


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | bool)


def _flow_seq(items: list[Any]) -> str | None:
    if not all(isinstance(i, str) and _plain_ok(i, flow=True) for i in items):
        return None
    text = "[" + ", ".join(items) + "]"
    return text if len(text) <= 100 else None


def _flow_map(data: dict[str, Any]) -> str | None:
    if not data or not all(_is_scalar(v) for v in data.values()):
        return None
    parts = []
    for key, value in data.items():
        if isinstance(value, str) and not _plain_ok(value, flow=True):
            return None
        parts.append(f"{key}: {_scalar(value, flow=True)}")
    text = "{" + ", ".join(parts) + "}"
    return text if len(text) <= 60 else None


def _emit_map(data: dict[str, Any], indent: int, out: list[str], first_prefix: str | None = None) -> None:
    """Block mapping at ``indent``; ``first_prefix`` replaces the first line's indentation (for "- ")."""
    pad = " " * indent
    for n, (key, value) in enumerate(data.items()):
        lead = first_prefix if (n == 0 and first_prefix is not None) else pad
        _emit_entry(f"{lead}{key}:", value, indent, out)


@dataclass(frozen=True)
class ToFill:
    """A component left to fill: written in flow style and marked ``# CẦN ĐIỀN``, as :mod:`tthc.scaffold` writes it."""

    value: list[Any] | dict[str, Any]
    hint: str = ""

    def line(self) -> str:
        if isinstance(self.value, dict):
            flow = "{" + ", ".join(f"{k}: {_scalar(v, flow=True)}" for k, v in self.value.items()) + "}"
        else:
            flow = "[" + ", ".join(_scalar(v, flow=True) for v in self.value) + "]"
        return f"{flow}  # {TODO}" + (f": {self.hint}" if self.hint else "")


def _emit_entry(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, ToFill):
        out.append(f"{head} {value.line()}")
    elif _is_scalar(value):
        out.append(f"{head} {_scalar(value)}")
    elif isinstance(value, list):
        if not value:
            out.append(f"{head} []")
            return
        flow = _flow_seq(value)
        if flow is not None:
            out.append(f"{head} {flow}")
            return
        out.append(head)
        _emit_seq(value, indent + 2, out)
    elif isinstance(value, dict):
        flow = _flow_map(value)
        if flow is not None:
            out.append(f"{head} {flow}")
            return
        out.append(head)
        _emit_map(value, indent + 2, out)
    else:
        raise TypeError(f"cannot write {type(value).__name__}")


def _emit_seq(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict):
            _emit_map(item, indent + 2, out, first_prefix=f"{pad}- ")
        elif _is_scalar(item):
            out.append(f"{pad}- {_scalar(item)}")
        else:
            raise TypeError("nested lists are not used in catalogues")


def dump(data: dict[str, Any], comment: str, spaced: Iterable[str] = ()) -> bytes:
    """One catalogue file: a comment line, then the keys; a blank line before each key in ``spaced``."""
    spaced = frozenset(spaced)
    out = [f"# {comment}"]
    for key, value in data.items():
        if key in spaced:
            out.append("")
        _emit_entry(f"{key}:", value, 0, out)
    return ("\n".join(out) + "\n").encode("utf-8")


PROCEDURE_SPACED = ("steps", "methods", "dossier", "subjects", "agencies", "results", "requirements",
                    "legal_basis", "forms", "note")
DECISION_SPACED = ("new", "amended", "replaced", "abolished", "note")
SETTINGS_SPACED = ("as_of", "levels", "fields", "agencies", "feedback", "portal_url")


# --------------------------------------------------------------------------
# Text pools taken from the sample catalogue
# --------------------------------------------------------------------------


@dataclass
class Pools:
    """Everything the generator borrows from the sample catalogue, in a stable order."""

    templates: list[dict[str, Any]] = field(default_factory=list)
    by_field: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    legal_refs: list[dict[str, Any]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    signers: list[dict[str, str]] = field(default_factory=list)
    decision_basis: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            self.texts.setdefault(kind, []).append(unicodedata.normalize("NFC", value.strip()))

    def text(self, kind: str) -> list[str]:
        return self.texts.get(kind) or self.texts["note"]


_STEP_LABEL = re.compile(r"^Bước \d+:\s*")


def load_pools(sample: Path) -> Pools:
    yaml = YAML(typ="safe", pure=False)
    pools = Pools()
    pools.settings = yaml.load((sample / "tthc.yaml").read_text("utf-8"))
    refs: dict[str, dict[str, Any]] = {}
    for path in sorted((sample / "procedures").glob("*/*.yaml")):
        data = yaml.load(path.read_text("utf-8"))
        pools.templates.append(data)
        pools.by_field.setdefault(data["field"], []).append(data)
        pools.add("name", data["name"])
        pools.kinds.append(data.get("kind", "Loại khác"))
        for step in data["steps"]:
            pools.add("step", _STEP_LABEL.sub("", step))
        for method in data["methods"]:
            pools.add("time_note", method["time"].get("note"))
            pools.add("fee_note", method["fee"].get("note"))
            pools.add("fee_basis", method["fee"].get("basis"))
            pools.add("online_reason", method.get("online_reason"))
            pools.add("method_note", method.get("note"))
        for case in data["dossier"]["cases"]:
            pools.add("case", case.get("case"))
            for item in case["items"]:
                pools.add("item", item["name"])
                pools.add("item_form", item.get("form"))
                pools.add("item_note", item.get("note"))
        for subject in data["subjects"]:
            pools.add("subject", subject)
        for result in data["results"]:
            pools.add("result", result["name"])
        for requirement in data.get("requirements") or []:
            pools.add("requirement", requirement)
        for ref in data["legal_basis"]:
            refs.setdefault(ref["number"], ref)
        for form in data.get("forms") or []:
            pools.add("form", form["name"])
            pools.add("form_source", form.get("source"))
        pools.add("note", data.get("note"))
    pools.legal_refs = [refs[k] for k in sorted(refs)]
    for path in sorted((sample / "decisions").glob("*/*.yaml")):
        data = yaml.load(path.read_text("utf-8"))
        if data.get("signer"):
            pools.signers.append(data["signer"])
        pools.add("decision_note", data.get("note"))
        if not pools.decision_basis:
            pools.decision_basis = [r for r in data.get("legal_basis", []) if r["number"] in STANDARD_DECISION_BASIS]
    for kind in ("subject",):
        pools.texts[kind] = list(dict.fromkeys(pools.texts[kind]))
    return pools


_FRAGMENT = re.compile(r"(?<=[,;])\s+")


def mix(rng: random.Random, pool: Sequence[str], limit: int = 480) -> str:
    """A new sentence: the head of one sample sentence joined to the tail of another.

    Cut at a comma or semicolon when both have one, else between words, so the
    result reads as Vietnamese and keeps the sample's length distribution.
    """
    a = rng.choice(pool)
    if rng.random() < 0.25:
        return a
    b = rng.choice(pool)
    fa, fb = _FRAGMENT.split(a), _FRAGMENT.split(b)
    if len(fa) > 1 and len(fb) > 1:
        cut_a, cut_b = rng.randrange(1, len(fa)), rng.randrange(1, len(fb))
        text = " ".join(fa[:cut_a] + fb[cut_b:])
    else:
        wa, wb = a.split(), b.split()
        if len(wa) < 4 or len(wb) < 4:
            return a
        # Cut both at the same relative place, so the head and the tail do not repeat each other.
        cut_a = rng.randrange(2, len(wa) - 1)
        cut_b = min(len(wb) - 1, max(1, round(cut_a * len(wb) / len(wa))))
        while cut_b < len(wb) - 1 and wb[cut_b] in wa[:cut_a]:
            cut_b += 1  # “thẻ căn cước cước”: skip words the head already has
        text = " ".join(wa[:cut_a] + wb[cut_b:])
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return text.rstrip(",;: ")


def slug(name: str) -> str:
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


# --------------------------------------------------------------------------
# The plan: fields, codes, levels, decisions (cheap, in memory)
# --------------------------------------------------------------------------


@dataclass
class FieldPlan:
    id: str
    name: str
    provincial_share: float


@dataclass
class ProcPlan:
    index: int
    code: str
    field: str
    levels: list[str]
    name: str
    decisions: list[str] = field(default_factory=list)


@dataclass
class DecisionPlan:
    number: str
    signed: dt.date
    effective: dt.date
    new: list[int] = field(default_factory=list)
    amended: list[tuple[int, list[str]]] = field(default_factory=list)
    replaced: list[tuple[int, int]] = field(default_factory=list)
    abolished: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"decisions/{self.signed.year}/{self.number.replace('/', '-')}.yaml"


@dataclass
class Plan:
    fields: list[FieldPlan]
    procs: list[ProcPlan]
    """Real procedures (they get files), then ghosts (announced then abolished), then revision-2 new ones."""
    real: int
    ghosts: int
    decisions: list[DecisionPlan]
    spare_numbers: list[int]


def _codes(rng: random.Random, count: int) -> list[str]:
    prefixes = "1111112223"
    seen: set[str] = set()
    codes: list[str] = []
    while len(codes) < count:
        code = f"{rng.choice(prefixes)}.{rng.randrange(1_000_000):06d}"
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def _fields(rng: random.Random, pools: Pools, n: int) -> list[FieldPlan]:
    sample = [(f["id"], f["name"]) for f in pools.settings["fields"]]
    wanted = max(len(sample), min(400, round(n / 20)))
    names = [name for _, name in sample]
    extra = list(EXTRA_FIELDS)
    for group in FIELD_GROUPS:
        extra += [f"{name} ({group})" for name in EXTRA_FIELDS]
    taken = {i for i, _ in sample}
    chosen = list(sample)
    for name in extra:
        if len(chosen) >= wanted:
            break
        ident = slug(name)
        if ident not in taken and name not in names:
            taken.add(ident)
            chosen.append((ident, name))
    shares = (0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 0.3, 0.3, 0.8, 0.8)
    return [FieldPlan(ident, name, rng.choice(shares)) for ident, name in chosen]


def _name(rng: random.Random, pools: Pools, field_plan: FieldPlan, sample_field: bool) -> str:
    if sample_field:
        pool = [t["name"] for t in pools.by_field[field_plan.id]]
        if rng.random() < 0.5:
            return mix(rng, pool, 300)
    words = mix(rng, pools.text("name"), 300)
    if not sample_field and rng.random() < 0.5:
        return f"{words} trong lĩnh vực {field_plan.name.split(' (')[0].lower()}"
    return words


def make_plan(pools: Pools, n: int, seed: str) -> Plan:
    rng = random.Random(f"{seed}/plan")
    fields = _fields(rng, pools, n)
    sample_fields = set(pools.by_field)
    # Zipf-like share per field, in a shuffled order so sample fields are not always the biggest.
    order = list(range(len(fields)))
    rng.shuffle(order)
    weights = [0.0] * len(fields)
    for rank, i in enumerate(order, 1):
        weights[i] = 1.0 / rank**0.9
    ghosts = max(2, n // 100)
    rev2_new = max(1, round(n * 0.003))
    codes = _codes(rng, n + ghosts + rev2_new)
    field_of = rng.choices(range(len(fields)), weights=weights, k=n + ghosts + rev2_new)
    procs: list[ProcPlan] = []
    for i in range(n + ghosts + rev2_new):
        f = fields[field_of[i]]
        r = rng.random()
        if r < 0.03:
            levels = [PROVINCIAL, COMMUNE]
        elif r < 0.03 + f.provincial_share:
            levels = [PROVINCIAL]
        else:
            levels = [COMMUNE]
        procs.append(ProcPlan(i, codes[i], f.id, levels, _name(rng, pools, f, f.id in sample_fields)))
    decisions, spare = _decisions(rng, n, ghosts)
    for dec in decisions:
        for i in dec.new:
            procs[i].decisions.append(dec.number)
        for i, _ in dec.amended:
            procs[i].decisions.append(dec.number)
        for _, i in dec.replaced:
            procs[i].decisions.append(dec.number)
    return Plan(fields, procs, n, ghosts, decisions, spare)


def _decisions(rng: random.Random, real: int, ghosts: int) -> tuple[list[DecisionPlan], list[int]]:
    """Announcement history: batches of 50–200 procedures; amendments and abolitions of earlier ones."""
    queue = deque(rng.sample(range(real + ghosts), real + ghosts))
    announced: list[int] = []
    live_ghosts: list[int] = []
    batches: list[DecisionPlan] = []
    while queue or live_ghosts:
        size = rng.randint(50, 200)
        dec = DecisionPlan("", HISTORY_START, HISTORY_START)
        if batches:
            abolish = rng.randint(0, 4) if queue else len(live_ghosts)
            for _ in range(min(abolish, len(live_ghosts))):
                dec.abolished.append(live_ghosts.pop(rng.randrange(len(live_ghosts))))
            amend = min(len(announced), round(size * rng.uniform(0.0, 0.3)) if queue else size)
            for i in sorted(rng.sample(announced, amend)):
                k = rng.choice((1, 1, 1, 2, 2, 3))
                parts = rng.sample(AMENDABLE, k)
                dec.amended.append((i, [c for c in COMPONENT_ORDER if c in parts]))
        room = max(0, size - len(dec.amended) - len(dec.abolished))
        while queue and room:
            i = queue.popleft()
            room -= 1
            if i < real and live_ghosts and rng.random() < 0.02:
                dec.replaced.append((live_ghosts.pop(rng.randrange(len(live_ghosts))), i))
            else:
                dec.new.append(i)
        announced.extend(i for i in dec.new if i < real)
        announced.extend(i for _, i in dec.replaced)
        live_ghosts.extend(i for i in dec.new if i >= real)
        batches.append(dec)
    # Dates: strictly increasing signing and entry-into-force dates, so the order is the plan's.
    count = len(batches)
    span = max((HISTORY_END - HISTORY_START).days, 3 * count)
    start = HISTORY_END - dt.timedelta(days=span)
    last_effective = start - dt.timedelta(days=1)
    last_signed = last_effective
    for k, dec in enumerate(batches):
        signed = start + dt.timedelta(days=round(k * span / count) + rng.randint(0, 1))
        signed = max(signed, last_signed + dt.timedelta(days=1))
        effective = max(signed + dt.timedelta(days=rng.choice((0, 0, 0, 1, 5, 10, 15))), last_effective + dt.timedelta(days=1))
        dec.signed, dec.effective = signed, effective
        last_signed, last_effective = signed, effective
    numbers = rng.sample(range(100, 10000), count + 8)
    by_year: dict[int, list[DecisionPlan]] = {}
    for dec in batches:
        by_year.setdefault(dec.signed.year, []).append(dec)
    pool = numbers[:count]
    pos = 0
    for year in sorted(by_year):
        decs = by_year[year]
        for dec, number in zip(decs, sorted(pool[pos : pos + len(decs)]), strict=True):
            dec.number = f"{number}/QĐ-UBND"
        pos += len(decs)
    return batches, numbers[count:]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def _duration(rng: random.Random, template: dict[str, Any], pools: Pools) -> dict[str, Any]:
    unit = template.get("unit", "ngày làm việc")
    out: dict[str, Any] = {}
    if "value" in template:
        out["value"] = rng.choice(MONTH_VALUES if unit == "tháng" else TIME_VALUES)
    out["unit"] = unit
    if "note" in template:
        out["note"] = mix(rng, pools.text("time_note"))
    return out


def _method(rng: random.Random, template: dict[str, Any], pools: Pools, code: str) -> dict[str, Any]:
    method: dict[str, Any] = {"channel": template["channel"]}
    method["time"] = _duration(rng, template["time"], pools)
    if "local_time" in template:
        legal = method["time"]
        if "value" in legal:
            local: dict[str, Any] = {"value": max(1, legal["value"] // 2), "unit": legal["unit"]}
        else:
            local = {"unit": legal["unit"]}
        method["local_time"] = local
    fee_t = template["fee"]
    if "amount" in fee_t:
        fee: dict[str, Any] = {"amount": rng.choice(FEE_AMOUNTS)}
        if "note" in fee_t:
            fee["note"] = mix(rng, pools.text("fee_note"))
        fee["basis"] = rng.choice(pools.text("fee_basis"))
    else:
        fee = {"free": True}
        if "note" in fee_t:
            fee["note"] = mix(rng, pools.text("fee_note"))
    if "note" in fee_t:
        # A note mixed from other fees would contradict this one (its own amount, a fee the
        # council sets: tthc's fee rules report both); the draws above keep the rest as it was.
        fee = dict(fee_t)
    method["fee"] = fee
    if "online" in template:
        method["online"] = template["online"]
        if template["online"] == "một phần":
            method["online_reason"] = mix(rng, pools.text("online_reason"))
        method["url"] = PORTAL.format(code=code)
    if "note" in template:
        method["note"] = mix(rng, pools.text("method_note"))
    return method


def _agencies(rng: random.Random, levels: list[str]) -> dict[str, list[str]]:
    provincial = rng.choice(PROVINCIAL_PERFORMERS)
    if levels == [COMMUNE]:
        performing = ["cong-an-xa"] if rng.random() < 0.12 else ["ubnd-xa"]
    elif levels == [PROVINCIAL]:
        performing = [provincial]
    else:
        performing = ["ubnd-xa", provincial]
    out: dict[str, list[str]] = {"performing": performing}
    if PROVINCIAL in levels and rng.random() < 0.2:
        out["deciding"] = ["ubnd-tinh"]
    if rng.random() < 0.08:
        out["coordinating"] = ["bhxh"]
    return out


def make_procedure(plan: Plan, pools: Pools, i: int, seed: str) -> dict[str, Any]:
    """The full record of procedure ``i``: a function of (seed, i) and the plan only."""
    p = plan.procs[i]
    rng = random.Random(f"{seed}/procedure/{i}")
    candidates = pools.by_field.get(p.field) or pools.templates
    t = rng.choice(candidates if rng.random() < 0.8 else pools.templates)
    data: dict[str, Any] = {
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "level": list(p.levels),
        "kind": rng.choice(pools.kinds),
        "decisions": list(p.decisions),
    }
    labelled = all(s.startswith("Bước") for s in t["steps"])
    data["steps"] = [
        (f"Bước {k}: " if labelled else "") + mix(rng, pools.text("step")) for k in range(1, len(t["steps"]) + 1)
    ]
    data["methods"] = [_method(rng, m, pools, p.code) for m in t["methods"]]
    cases = []
    for case_t in t["dossier"]["cases"]:
        case: dict[str, Any] = {}
        if "case" in case_t:
            case["case"] = rng.choice(pools.text("case"))
        items = []
        for item_t in case_t["items"]:
            item: dict[str, Any] = {"name": mix(rng, pools.text("item"))}
            if "form" in item_t:
                item["form"] = rng.choice(pools.text("item_form"))
            item["originals"] = item_t.get("originals", 1)
            item["copies"] = item_t.get("copies", 0)
            if "note" in item_t:
                item["note"] = mix(rng, pools.text("item_note"))
            items.append(item)
        case["items"] = items
        cases.append(case)
    dossier: dict[str, Any] = {}
    if "sets" in t["dossier"]:
        dossier["sets"] = t["dossier"]["sets"]
    dossier["cases"] = cases
    data["dossier"] = dossier
    subjects = pools.text("subject")
    data["subjects"] = rng.sample(subjects, min(len(subjects), max(1, len(t["subjects"]))))
    data["agencies"] = _agencies(rng, p.levels)
    results = []
    for result_t in t["results"]:
        result: dict[str, Any] = {"name": mix(rng, pools.text("result"))}
        if "code" in result_t:
            result["code"] = f"KQ.G{rng.randint(1, 30):02d}.{rng.randrange(1_000_000):06d}"
        results.append(result)
    data["results"] = results
    if "requirements" in t:
        data["requirements"] = [mix(rng, pools.text("requirement")) for _ in t["requirements"]]
    count = min(len(pools.legal_refs), len(t["legal_basis"]))
    data["legal_basis"] = [dict(r) for r in rng.sample(pools.legal_refs, count)]
    if t.get("forms"):
        forms = []
        for form_t in t["forms"]:
            form: dict[str, Any] = {"name": mix(rng, pools.text("form"))}
            if "source" in form_t:
                form["source"] = rng.choice(pools.text("form_source"))
            forms.append(form)
        data["forms"] = forms
    if "note" in t:
        data["note"] = mix(rng, pools.text("note"))
    return data


LEFT_TO_FILL = (("steps", 0.3), ("time", 0.3), ("fee", 0.25), ("subjects", 0.15), ("results", 0.15),
                ("legal_basis", 0.3))
"""Components a first import leaves to fill besides ``decisions``, and the share of files missing each."""


def to_fill(data: dict[str, Any], rng: random.Random) -> None:
    """Leave components of a record to fill, as ``tthc new`` and the importers do when the source lacks them.

    ``decisions`` always (no decision is written yet: one ``schema-empty``
    and one ``procedure-not-announced`` per file); each component of
    :data:`LEFT_TO_FILL` in about its share of files.
    """
    data["decisions"] = ToFill([])
    for component, share in LEFT_TO_FILL:
        if rng.random() >= share:
            continue
        if component == "time":
            method = data["methods"][0]
            unit = method["time"]["unit"]  # “trong ngày” needs no number: left to fill, it would be no finding
            method["time"] = ToFill({"unit": "ngày làm việc" if unit == "trong ngày" else unit}, "số lượng, ví dụ value: 5")
            method.pop("local_time", None)  # nothing to be shorter than
        elif component == "fee":
            data["methods"][0]["fee"] = ToFill({}, "amount: 50000 hoặc free: true")
        else:
            data[component] = ToFill([])


def procedure_bytes(data: dict[str, Any]) -> bytes:
    level = "cả cấp tỉnh và cấp xã" if len(data["level"]) > 1 else data["level"][0].lower()
    name = data["name"] if len(data["name"]) <= 80 else data["name"][:80].rsplit(" ", 1)[0] + "…"
    return dump(data, f"Thủ tục {name[0].lower()}{name[1:]} ({level}).", PROCEDURE_SPACED)


def procedure_path(data: dict[str, Any]) -> str:
    return f"procedures/{data['field']}/{data['code']}.yaml"


def _ref(plan: Plan, i: int, by: str, components: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": plan.procs[i].code, "name": plan.procs[i].name}
    if components is not None:
        entry["components"] = components
    entry["by"] = by
    return entry


def decision_data(plan: Plan, pools: Pools, dec: DecisionPlan, seed: str) -> dict[str, Any]:
    rng = random.Random(f"{seed}/decision/{dec.number}")
    numbers = [r["number"] for r in pools.legal_refs]
    names = {f.id: f.name for f in plan.fields}
    touched = [*dec.new, *(i for i, _ in dec.amended), *(i for _, i in dec.replaced), *dec.abolished]
    field_names = list(dict.fromkeys(names[plan.procs[i].field].split(" (")[0].lower() for i in touched))
    groups = [g for g, items in (("mới ban hành", dec.new), ("được sửa đổi, bổ sung", dec.amended),
                                  ("được thay thế", dec.replaced), ("bị bãi bỏ", dec.abolished)) if items]
    shown = ", ".join(field_names[:6]) + (" và một số lĩnh vực khác" if len(field_names) > 6 else "")
    data: dict[str, Any] = {
        "number": dec.number,
        "title": f"Về việc công bố Danh mục thủ tục hành chính {', '.join(groups)} trong các lĩnh vực {shown}"
        " áp dụng trên địa bàn tỉnh Quảng Trị",
        "issuer": ISSUER,
    }
    if pools.signers:
        data["signer"] = dict(rng.choice(pools.signers))
    data["signed"] = dec.signed.isoformat()
    data["effective"] = dec.effective.isoformat()
    if pools.decision_basis:
        data["legal_basis"] = [dict(r) for r in pools.decision_basis]
    def cited(i: int) -> str:
        """A text the procedure's legal basis cites, as rule legal-basis-missing-by wants of an entry's ``by``."""
        return rng.choice([r["number"] for r in make_procedure(plan, pools, i, seed)["legal_basis"]] or numbers)

    if dec.new:
        data["new"] = [_ref(plan, i, cited(i)) for i in dec.new]
    if dec.amended:
        data["amended"] = [_ref(plan, i, cited(i), comps) for i, comps in dec.amended]
    if dec.replaced:
        data["replaced"] = [
            {"old": plan.procs[old].code, "new": plan.procs[new].code, "name": plan.procs[new].name}
            for old, new in dec.replaced
        ]
    if dec.abolished:
        data["abolished"] = [_ref(plan, i, rng.choice(numbers)) for i in dec.abolished]
    if rng.random() < 0.3 and pools.text("decision_note"):
        data["note"] = mix(rng, pools.text("decision_note"))
    return data


def decision_bytes(data: dict[str, Any]) -> bytes:
    return dump(data, f"Quyết định {data['number']} công bố danh mục thủ tục hành chính (dữ liệu tổng hợp).",
                DECISION_SPACED)


def settings_bytes(plan: Plan, pools: Pools) -> bytes:
    base = pools.settings
    agencies = [dict(a) for a in base["agencies"]]
    known = {a["id"] for a in agencies}
    for ident, name in EXTRA_AGENCIES:
        if ident not in known:
            agencies.append({"id": ident, "name": name, "level": PROVINCIAL,
                             "address": "Trung tâm Phục vụ hành chính công tỉnh Quảng Trị"})
    data: dict[str, Any] = {
        "authority": dict(base["authority"]),
        "as_of": AS_OF.isoformat(),
        "levels": [PROVINCIAL, COMMUNE],
        "fields": [{"id": f.id, "name": f.name} for f in plan.fields],
        "agencies": agencies,
        "feedback": dict(base["feedback"]),
        "portal_url": base.get("portal_url", PORTAL),
    }
    return dump(data, f"Bộ danh mục TTHC tổng hợp cho đo hiệu năng: {plan.real} thủ tục (dữ liệu giả lập).",
                SETTINGS_SPACED)


# --------------------------------------------------------------------------
# Revision 2
# --------------------------------------------------------------------------


@dataclass
class Revision2:
    decision: DecisionPlan
    amended: dict[int, list[str]]
    abolished: set[int]
    new: list[int]


def plan_revision2(plan: Plan, seed: str) -> Revision2:
    rng = random.Random(f"{seed}/revision2")
    n = plan.real
    chosen = rng.sample(range(n), max(1, round(n * 0.01)) + max(1, round(n * 0.002)))
    amended_ids = sorted(chosen[: max(1, round(n * 0.01))])
    abolished_ids = sorted(chosen[max(1, round(n * 0.01)) :])
    first_new = n + plan.ghosts
    new_ids = list(range(first_new, len(plan.procs)))
    number = f"{max(plan.spare_numbers)}/QĐ-UBND"
    effective = max(AS_OF, max(d.effective for d in plan.decisions) + dt.timedelta(days=1))
    signed = min(REVISION2_SIGNED, effective)
    dec = DecisionPlan(number, max(signed, max(d.signed for d in plan.decisions) + dt.timedelta(days=1)), effective)
    amended: dict[int, list[str]] = {}
    for i in amended_ids:
        parts = rng.sample(REVISION2_COMPONENTS, rng.choice((1, 1, 2)))
        amended[i] = [c for c in COMPONENT_ORDER if c in parts]
        dec.amended.append((i, amended[i]))
    dec.new = new_ids
    dec.abolished = abolished_ids
    for i in new_ids:
        plan.procs[i].decisions = [number]
    return Revision2(dec, amended, set(abolished_ids), new_ids)


def amend(data: dict[str, Any], components: list[str], pools: Pools, rng: random.Random, number: str) -> None:
    """Change the named components of a procedure record in place, as an amending decision would."""
    methods = data["methods"]
    if "fee" in components:
        fee = methods[0]["fee"]
        if fee.get("free"):
            methods[0]["fee"] = {"amount": rng.choice(FEE_AMOUNTS), "basis": rng.choice(pools.text("fee_basis"))}
        else:
            fee["amount"] = rng.choice([a for a in FEE_AMOUNTS if a != fee.get("amount")])
    if "time" in components:
        for method in methods:
            legal = method["time"]
            if "value" in legal:
                legal["value"] = rng.choice([v for v in TIME_VALUES if v != legal["value"]]) if legal["unit"] != "tháng" \
                    else rng.choice([v for v in MONTH_VALUES if v != legal["value"]])
            else:
                method["time"] = {"value": rng.choice((1, 2, 3)), "unit": "ngày làm việc"}
                legal = method["time"]
            local = method.get("local_time")
            if local is not None:
                method["local_time"] = {"value": max(1, legal["value"] // 2), "unit": legal["unit"]}
    if "steps" in components:
        steps = data["steps"]
        labelled = steps[0].startswith("Bước")
        if rng.random() < 0.5:
            k = rng.randrange(len(steps))
            steps[k] = (f"Bước {k + 1}: " if labelled else "") + mix(rng, pools.text("step"))
        else:
            steps.append((f"Bước {len(steps) + 1}: " if labelled else "") + mix(rng, pools.text("step")))
    if "dossier" in components:
        items = data["dossier"]["cases"][0]["items"]
        if len(items) > 1 and rng.random() < 0.4:
            items.pop(rng.randrange(len(items)))
        else:
            items.append({"name": mix(rng, pools.text("item")), "originals": 1, "copies": 0})
    data["decisions"] = [*data["decisions"], number]


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


@dataclass
class Summary:
    procedures: int
    decisions: int
    fields: int
    bytes: int
    revision2: dict[str, int] | None = None


def _write(root: Path, relative: str, data: bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _fresh(out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / "tthc.yaml").is_file():
            raise SystemExit(f"generate.py: {out} exists and is not a catalogue; refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def generate(
    procedures: int,
    out: Path,
    seed: str = "1",
    revision2: Path | None = None,
    sample: Path = DEFAULT_SAMPLE,
    findings: bool = False,
) -> Summary:
    if procedures < 1:
        raise ValueError("procedures must be at least 1")
    if findings and revision2 is not None:
        raise ValueError("a first import has no second revision: --findings and --revision2 do not go together")
    pools = load_pools(sample)
    plan = make_plan(pools, procedures, seed)
    rev2 = plan_revision2(plan, seed) if revision2 is not None else None
    roots = [out] + ([revision2] if revision2 is not None else [])
    for root in roots:
        _fresh(root)
    settings = settings_bytes(plan, pools)
    total = 0
    for root in roots:
        _write(root, "tthc.yaml", settings)
    total += len(settings)
    for dec in [] if findings else plan.decisions:
        blob = decision_bytes(decision_data(plan, pools, dec, seed))
        total += len(blob)
        for root in roots:
            _write(root, dec.path, blob)
    for i in range(procedures):
        data = make_procedure(plan, pools, i, seed)
        if findings:
            to_fill(data, random.Random(f"{seed}/findings/{i}"))
        blob = procedure_bytes(data)
        total += len(blob)
        _write(out, procedure_path(data), blob)
        if rev2 is None or revision2 is None or i in rev2.abolished:
            continue
        if i in rev2.amended:
            amend(data, rev2.amended[i], pools, random.Random(f"{seed}/revision2/{i}"), rev2.decision.number)
            blob = procedure_bytes(data)
        _write(revision2, procedure_path(data), blob)
    summary = Summary(procedures, 0 if findings else len(plan.decisions), len({p.field for p in plan.procs[:procedures]}), total)
    if rev2 is not None and revision2 is not None:
        for i in rev2.new:
            data = make_procedure(plan, pools, i, seed)
            if rng_tam(seed, i):
                data["code"] = f"TAM-2026-{i - rev2.new[0] + 1:03d}"
                plan.procs[i].code = data["code"]
                for method in data["methods"]:
                    if "url" in method:
                        method["url"] = "https://dichvucong.quangtri.gov.vn/dich-vu-cong-truc-tuyen"
            _write(revision2, procedure_path(data), procedure_bytes(data))
        _write(revision2, rev2.decision.path, decision_bytes(decision_data(plan, pools, rev2.decision, seed)))
        summary.revision2 = {
            "amended": len(rev2.amended), "new": len(rev2.new), "abolished": len(rev2.abolished)
        }
    return summary


def rng_tam(seed: str, i: int) -> bool:
    """About one new procedure in ten has no national code yet (a provisional TAM-… code)."""
    return random.Random(f"{seed}/tam/{i}").random() < 0.1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--procedures", "-n", type=int, required=True, help="number of procedures (files)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the catalogue into (replaced)")
    parser.add_argument("--seed", default="1", help="seed (any text); same seed, same bytes")
    parser.add_argument("--revision2", type=Path, help="also write a second revision of the catalogue here")
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE, help="sample catalogue to imitate")
    parser.add_argument("--findings", action="store_true",
                        help="a first import: every procedure file has findings (no decisions, components to fill)")
    args = parser.parse_args(argv)
    if args.findings and args.revision2:
        parser.error("--findings and --revision2 do not go together")
    summary = generate(args.procedures, args.out, args.seed, args.revision2, args.sample, args.findings)
    line = (f"{summary.procedures} procedures, {summary.decisions} decisions, {summary.fields} fields, "
            f"{summary.bytes / 1e6:.1f} MB in {args.out}")
    if summary.revision2:
        r = summary.revision2
        line += f"; revision 2 in {args.revision2}: {r['amended']} amended, {r['new']} new, {r['abolished']} abolished"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
