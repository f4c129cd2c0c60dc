"""Property-based tests: loader, validator, diff, fmt and render on generated input.

The corpus (``tests/test_hostile.py``) holds the inputs someone thought of;
these generate the rest. Every test runs with a fixed seed
(``derandomize=True``), so CI is reproducible, and a budget that keeps this
file near a minute. A longer run explores ten times as many examples::

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py

(its last result is noted in docs/safety.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tests.conftest import MINIMAL, SAMPLE
from tests.test_hostile import html_problems
from tthc import diff, fmt, layout, loader, render, schema, yaml_comments
from tthc.model import COMPONENTS, Catalogue, Document
from tthc.reading import load_catalogue
from tthc.records import build_catalogue
from tthc.source import folder_files
from tthc.validate import validate

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1, "long": 10}[PROFILE]
"""The long run explores this many times the examples of CI."""

settings.register_profile("ci", derandomize=True, deadline=None, database=None)
settings.register_profile("long", derandomize=True, deadline=None, database=None)
settings.load_profile(PROFILE)

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def examples(n: int) -> int:
    return n * SCALE


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ"
HOSTILE = [
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "</textarea><svg onload=alert(1)>",
    "<!--",
    "{{ 7*7 }}{% raw %}",
    "\x1b]0;x\x07\x1b[2J",
    "\u202e\u200b\ufeff\x00",
    "&lt;script&gt;",
    "mailto:a@b.vn?subject=<x>",
    "https://dichvucong.gov.vn/\"onmouseover=\"alert(1)",
    "//evil.example/x",
    "\\\\evil\\x",
]
text = st.text(alphabet=VIETNAMESE + "0123456789 .,:;-/()\"'<>&#!*[]{}|%@\t\n", max_size=40)
hostile_text = st.one_of(text, st.sampled_from(HOSTILE), st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), text))
nfd_text = text.map(lambda s: unicodedata.normalize("NFD", s))
KEYS = sorted(
    set(COMPONENTS)
    | {"channel", "value", "unit", "amount", "free", "items", "cases", "performing", "url", "number", "online"}
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    nfd_text,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), text), children, max_size=5),
    ),
    max_leaves=30,
)


def _dump(data: Any) -> str:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    y.allow_unicode = True
    from io import StringIO

    out = StringIO()
    y.dump(data, out)
    return out.getvalue()


# --------------------------------------------------------------------------
# (a) the loader never raises
# --------------------------------------------------------------------------

YAMLISH = "abc: -?[]{},&*!|>'\"%@`#\n\t 0123456789.ếĐ\\\ufeff\x00\x1b"


@settings(derandomize=True, max_examples=examples(300), deadline=None, suppress_health_check=SLOW)
@given(st.binary(max_size=400))
def test_loader_on_any_bytes(raw: bytes) -> None:
    loaded = loader.load("procedures/x/1.000001.yaml", "procedure", raw)
    assert loaded.document.data is not None or loaded.findings
    assert all(f.line is None or (f.line >= 1 and (f.column or 0) >= 1) for f in loaded.findings)


@settings(derandomize=True, max_examples=examples(400), deadline=None, suppress_health_check=SLOW)
@given(st.text(alphabet=YAMLISH, max_size=300))
def test_loader_on_yaml_like_text(source: str) -> None:
    loaded = loader.load("procedures/x/1.000001.yaml", "procedure", source.encode("utf-8"))
    assert loaded.document.data is not None or loaded.findings
    # Findings about the whole file (binary, too large) get their place, 1:1, from the validator.
    assert all(f.line is None or (f.line >= 1 and (f.column or 0) >= 1) for f in loaded.findings)


# --------------------------------------------------------------------------
# (b) validate reports, with a place, whatever the procedure file holds
# --------------------------------------------------------------------------


def _minimal_copy() -> Path:
    root = Path(tempfile.mkdtemp(prefix="tthc-prop-")) / "catalogue"
    shutil.copytree(MINIMAL, root)
    return root


@settings(derandomize=True, max_examples=examples(60), deadline=None, suppress_health_check=SLOW)
@given(yaml_values)
def test_validate_any_procedure_document(data: Any) -> None:
    root = _minimal_copy()
    try:
        (root / "procedures/ho-tich/1.001193.yaml").write_text(_dump(data), "utf-8")
        report = validate(root)
        for finding in report.findings:
            assert finding.line is not None and finding.line >= 1, finding
            assert finding.column is not None and finding.column >= 1, finding
    finally:
        shutil.rmtree(root.parent)


@settings(derandomize=True, max_examples=examples(40), deadline=None, suppress_health_check=SLOW)
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=8))
def test_validate_a_procedure_with_the_right_keys_and_wrong_values(data: dict[str, Any]) -> None:
    root = _minimal_copy()
    try:
        base = YAML(typ="safe").load((MINIMAL / "procedures/ho-tich/1.001193.yaml").read_text("utf-8"))
        (root / "procedures/ho-tich/1.001193.yaml").write_text(_dump({**base, **data}), "utf-8")
        for finding in validate(root).findings:
            assert finding.line is not None and finding.line >= 1 and finding.column is not None and finding.column >= 1
    finally:
        shutil.rmtree(root.parent)


# --------------------------------------------------------------------------
# (c) diff: A against A is empty; swapping sides swaps new and abolished
# --------------------------------------------------------------------------

SAMPLE_CATALOGUE, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))


def _rebuild(documents: dict[str, Document]) -> Catalogue:
    return build_catalogue(str(SAMPLE), documents)


Mutation = Callable[[dict[str, Document], st.DataObject], None]


def _procedure_files(documents: dict[str, Document]) -> list[str]:
    return sorted(f for f, d in documents.items() if d.kind == "procedure" and isinstance(d.data, dict))


def _drop(documents: dict[str, Document], data: st.DataObject) -> None:
    files = _procedure_files(documents)
    if files:
        del documents[data.draw(st.sampled_from(files))]


def _add(documents: dict[str, Document], data: st.DataObject) -> None:
    files = _procedure_files(documents)
    if not files:
        return
    template = copy.deepcopy(documents[data.draw(st.sampled_from(files))].data)
    number = data.draw(st.integers(min_value=0, max_value=999_999))
    template["code"] = f"9.{number:06d}"
    template["name"] = f"Thủ tục thử {number} " + data.draw(st.text(alphabet="xyzw", min_size=12, max_size=12))
    path = f"procedures/{template.get('field', 'khac')}/9.{number:06d}.yaml"
    documents[path] = Document(path, "procedure", template)


def _edit(documents: dict[str, Document], data: st.DataObject) -> None:
    files = _procedure_files(documents)
    if not files:
        return
    file = data.draw(st.sampled_from(files))
    changed = copy.deepcopy(documents[file].data)
    key = data.draw(st.sampled_from(["name", "steps", "methods", "subjects", "note", "level", "legal_basis"]))
    changed[key] = data.draw(yaml_values.filter(lambda v: v is not None) | hostile_text)
    documents[file] = Document(file, "procedure", changed)


MUTATIONS: list[Mutation] = [_drop, _add, _edit]


@settings(derandomize=True, max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(st.data())
def test_diff_of_a_catalogue_with_itself_is_empty(data: st.DataObject) -> None:
    documents = dict(SAMPLE_CATALOGUE.documents)
    for mutate in data.draw(st.lists(st.sampled_from(MUTATIONS), max_size=4)):
        mutate(documents, data)
    catalogue = _rebuild(documents)
    changes = diff.diff(catalogue, catalogue)
    assert changes.empty
    assert changes.unchanged == len(catalogue.by_code())


@settings(derandomize=True, max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(st.data())
def test_diff_swapped_swaps_new_and_abolished(data: st.DataObject) -> None:
    documents = dict(SAMPLE_CATALOGUE.documents)
    for mutate in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=5)):
        mutate(documents, data)
    old, new = SAMPLE_CATALOGUE, _rebuild(documents)
    forward, backward = diff.diff(old, new), diff.diff(new, old)
    there, back = forward.summary(), backward.summary()
    # Added procedures have fresh codes and names unlike any other: no replacement is guessed.
    assert there["replaced"] == back["replaced"] == 0
    assert (there["new"], there["abolished"]) == (back["abolished"], back["new"])
    assert there["amended"] == back["amended"]
    assert there["unchanged"] == back["unchanged"]
    assert {p.code for p in forward.new} == {p.code for p in backward.abolished}
    assert {a.code for a in forward.amended} == {a.code for a in backward.amended}


# --------------------------------------------------------------------------
# (d) fmt: idempotent, loses nothing, and changes no finding but NFC
# --------------------------------------------------------------------------

SAMPLE_FILES = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.yaml"))


def _plain(source: str, kind: str) -> Any:
    loaded = loader.load("x.yaml", kind, source.encode("utf-8"), fmt._LOOSE)
    return fmt._plain(loaded.document.data, kind)


def _comments(source: str) -> Counter[str]:
    return Counter(unicodedata.normalize("NFC", c) for c in yaml_comments.comments(fmt.yaml_rt().load(source)))


@st.composite
def edited_sample(draw: st.DrawFn) -> tuple[str, str, str]:
    """A sample file with comments added, top-level blocks swapped and text decomposed (NFD)."""
    rel = draw(st.sampled_from(SAMPLE_FILES))
    kind = layout.kind_of(rel) or "procedure"
    lines = (SAMPLE / rel).read_text("utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        indent = len(lines[at]) - len(lines[at].lstrip(" ")) if at < len(lines) else 0
        words = draw(st.text(alphabet=VIETNAMESE, min_size=1, max_size=20)).strip() or "x"
        lines.insert(at, " " * indent + f"# {words}\n")
    blocks: list[list[str]] = []
    for line in lines:
        if not blocks or (line[:1] not in (" ", "#", "\n", "-") and not blocks[-1][-1].startswith("#")):
            blocks.append([])
        blocks[-1].append(line)
    if len(blocks) > 2 and draw(st.booleans()):
        i = draw(st.integers(min_value=0, max_value=len(blocks) - 2))
        blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
    source = "".join(line for block in blocks for line in block)
    if not source.endswith("\n"):
        source += "\n"
    if draw(st.booleans()):
        source = unicodedata.normalize("NFD", source)
    return rel, kind, source


@settings(derandomize=True, max_examples=examples(50), deadline=None, suppress_health_check=SLOW)
@given(edited_sample())
def test_fmt_is_idempotent_and_loses_nothing(sample: tuple[str, str, str]) -> None:
    rel, kind, source = sample
    original = (SAMPLE / rel).read_text("utf-8")
    assume(_plain(source, kind) == _plain(original, kind))  # the edit kept the data (an edit can land in a list)
    once = fmt.format_text(source, kind, rel)
    assert fmt.format_text(once, kind, rel) == once, "fmt is not idempotent"
    assert _plain(once, kind) == _plain(source, kind), "fmt changed the data"
    assert _comments(once) == _comments(source), "fmt lost or added a comment"
    assert unicodedata.is_normalized("NFC", "".join(str(v) for v in _values(YAML(typ="safe").load(once))))


def _values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [v for k, item in data.items() for v in (k, *_values(item))]
    if isinstance(data, list):
        return [v for item in data for v in _values(item)]
    return [data]


def _findings(root: Path) -> set[tuple[str, str, tuple[str | int, ...]]]:
    return {(f.rule, f.file, f.path) for f in validate(root).findings if f.rule != "text-not-nfc"}


@settings(derandomize=True, max_examples=examples(20), deadline=None, suppress_health_check=SLOW)
@given(edited_sample().filter(lambda s: s[1] == "procedure"))
def test_validate_of_a_formatted_catalogue_finds_the_same(sample: tuple[str, str, str]) -> None:
    _, _, source = sample
    root = _minimal_copy()
    try:
        target = root / "procedures/ho-tich/1.001193.yaml"
        target.write_text(source, "utf-8")
        before = _findings(root)
        outcome = fmt.format_file(target)
        assert not outcome.error, outcome.error
        assert _findings(root) == before
    finally:
        shutil.rmtree(root.parent)


# --------------------------------------------------------------------------
# (e) render: hostile text everywhere, nothing runs
# --------------------------------------------------------------------------


@st.composite
def hostile_catalogue(draw: st.DrawFn) -> Catalogue:
    """The minimal catalogue's model with hostile text (and links) in every text field."""

    def t() -> str:
        return draw(hostile_text)

    settings_data = {
        "authority": {"name": t(), "province": t()},
        "as_of": "2026-01-01",
        "levels": ["Cấp xã"],
        "fields": [{"id": "ho-tich", "name": t()}],
        "agencies": [{"id": "ubnd-xa", "name": t(), "address": t(), "phone": t(), "email": t(), "website": t()}],
        "feedback": {"agency": t(), "address": t(), "phone": t(), "email": t(), "website": t()},
        "portal_url": t() + "{code}",
    }
    code = draw(st.sampled_from(["1.001193", "TAM-1", t()]))
    procedure = {
        "code": code, "name": t(), "field": "ho-tich", "level": [draw(st.sampled_from(["Cấp xã", t()]))],
        "kind": t(), "decisions": [draw(st.sampled_from(["10/QĐ-UBND", t()]))], "steps": [t(), t()],
        "methods": [
            {"channel": draw(st.sampled_from(["trực tiếp", "trực tuyến", "bưu chính", t()])),
             "time": {"value": draw(st.one_of(st.integers(-5, 10**6), st.floats())), "unit": t(), "note": t()},
             "local_time": {"value": 1, "unit": t(), "note": t()},
             "fee": {"amount": draw(st.one_of(st.integers(-5, 10**12), st.floats())), "note": t(), "basis": t()},
             "online": draw(st.sampled_from(["toàn trình", "một phần", t()])), "online_reason": t(),
             "url": t(), "note": t()},
        ],
        "dossier": {"sets": 1, "cases": [{"case": t(), "items": [{"name": t(), "form": t(), "note": t()}]}]},
        "subjects": [t()], "agencies": {"performing": ["ubnd-xa", t()], "coordinating": [t()]},
        "results": [{"name": t(), "code": t(), "template": t()}], "requirements": [t()],
        "legal_basis": [{"number": t(), "type": t(), "date": t(), "title": t()}],
        "forms": [{"name": t(), "source": t(), "url": t()}], "note": t(),
    }  # fmt: skip
    decision = {
        "number": draw(st.sampled_from(["10/QĐ-UBND", t()])), "title": t(), "issuer": t(),
        "signer": {"name": t()}, "signed": "2025-08-01", "effective": "2025-08-01",
        "new": [{"code": code, "name": t(), "by": t()}], "amended": [{"code": t(), "components": [t()], "by": t()}],
        "replaced": [{"old": t(), "new": code, "name": t(), "by": t()}], "abolished": [{"code": t(), "name": t(), "by": t()}],
        "cancels": [t()],
    }  # fmt: skip
    documents = {
        "tthc.yaml": Document("tthc.yaml", "catalogue", settings_data),
        "procedures/ho-tich/1.001193.yaml": Document("procedures/ho-tich/1.001193.yaml", "procedure", procedure),
        "decisions/2025/10-QĐ-UBND.yaml": Document("decisions/2025/10-QĐ-UBND.yaml", "decision", decision),
    }
    return build_catalogue("", documents)


@settings(derandomize=True, max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(hostile_catalogue())
def test_render_lets_nothing_run(catalogue: Catalogue) -> None:
    out = Path(tempfile.mkdtemp(prefix="tthc-prop-")) / "build"
    try:
        render.build(catalogue, out, render.RenderOptions(qr=True))
        pages = sorted(out.rglob("*.html"))
        assert pages
        for page in pages:
            problems = html_problems(page.read_text("utf-8"))
            assert problems == [], f"{page.relative_to(out)}: {problems}"
    finally:
        shutil.rmtree(out.parent)


def test_the_checker_sees_what_it_must() -> None:
    """html_problems is what the properties above rest on: it must catch each kind of payload."""
    assert html_problems('<p>ok <a href="https://a.vn/">a</a> <a href="../x.html">x</a></p>') == []
    for page in (
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="//evil.example/">x</a>',
        '<iframe src="https://a.vn/"></iframe>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ):
        assert html_problems(page), page
    assert schema.MAX_ERRORS >= 50  # the schema cap must not hide the first errors of a file
