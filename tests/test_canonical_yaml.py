"""New files written directly are byte for byte what ruamel's dump, then ``tthc fmt``, wrote (issue 21).

``tthc import`` used to dump each new procedure with ruamel and format the
result, a round trip in pure Python that took nine tenths of its time. It
now puts the data in canonical form first and writes the text itself
(:mod:`tthc.canonical_yaml`); these tests hold it to the old bytes, on real
records and on the shapes ruamel writes in its own way.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

from tests.test_import_portal import RECORDS, declare, import_json, new_catalogue
from tthc import canonical_yaml, fmt, portal, portal_import
from tthc.cli.common import load_settings
from tthc.portal_import import _node, plan


def ruamel_dump(root: Any) -> str:
    out = io.StringIO()
    fmt.yaml_rt().dump(root, out)
    return out.getvalue()


def test_new_files_from_real_records_are_the_bytes_dump_then_format_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not RECORDS.is_file():
        pytest.skip("the real portal records (shared/data) are not beside this checkout")
    root = new_catalogue(tmp_path / "danh-muc", "Hộ tịch=ho-tich")
    _, planned = import_json(root, RECORDS, "--dry-run")
    declare(root, planned)
    root, catalogue = load_settings(root)
    records = portal.read_records(RECORDS, catalogue.settings.limits)[::4]  # 75: long lists, comments beside all kinds
    fast = {w.path: w.content for w in plan(root, catalogue, records, "records.json")[1]}
    assert len(fast) > 60
    # The old way: the data as built, dumped by ruamel, then formatted.
    monkeypatch.setattr(fmt, "canonicalise", lambda *_: False)
    monkeypatch.setattr(portal_import, "_place_quoted_comments", lambda *_: None)
    monkeypatch.setattr(canonical_yaml, "dump", lambda _: None)
    dumped = {w.path: w.content for w in plan(root, catalogue, records, "records.json")[1]}
    monkeypatch.undo()
    assert fast == {path: fmt.format_text(content, "procedure") for path, content in dumped.items()}
    assert any("]  #" in t for t in fast.values()) and any('"] #' in t for t in fast.values())


LONG = [f"mục số {i} có tên khá dài" for i in range(12)] + [
    "a, b", "it's", "x: y", "1.5", "yes", "true", "#x", "- a", "null", "a  b", "ký hiệu: x", "50%", "@x", "x #y", "~",
]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        {"level": LONG},
        {"level": LONG[:5]},
        {"a": {"b": {"c": LONG}}},
        {"methods": [{"channel": "x", "time": {"value": 7, "unit": "ngày " * 30, "note": "n " * 40}, "place": LONG}]},
        {"dossier": {"cases": [{"case": "c", "items": [{"name": "n", "x": LONG[3:]}]}]}},
        {"steps": ["a\nb", 'q"uote\\x', "tab\there", "it's\n"], "k": ["it's", 'say "hi"', " lead", "trail ", "ü"]},
        {"code": "1.000650", "n": 5, "b": True, "f": False, "e": [], "m": {}},
    ],
)
def test_the_shapes_tthc_builds_are_written_as_ruamel_writes_them(data: dict[str, Any]) -> None:
    root = _node(data)
    root["zz"] = "cuối"
    root.yaml_add_eol_comment("# chú thích", "zz")
    root.yaml_add_eol_comment("# bên cạnh", next(iter(data)))
    root.yaml_set_start_comment("Dòng đầu.\nDòng hai.")
    assert canonical_yaml.dump(root) == ruamel_dump(root)


@pytest.mark.parametrize("value", ["\u2028", "\x85", "😀", "a\u2028b\n", "\x85\n", "😀\n", "\ufeff", "x\x01\n", "\t", "a\u2028b", "a\x85b", "a\u2029b"])
def test_odd_characters_are_written_as_ruamel_writes_them_or_left_to_it(value: str) -> None:
    root = _node({"name": value, "note": [value], "steps": [value]})
    assert canonical_yaml.dump(root) in (None, ruamel_dump(root))


@pytest.mark.parametrize("value", ["", 1.5, None])
def test_values_tthc_does_not_build_are_left_to_ruamel(value: Any) -> None:
    assert canonical_yaml.dump(_node({"name": "x", "note": value})) is None


def test_the_quick_plain_check_agrees_with_ruamels_analysis() -> None:
    """Text made of the characters that decide it, 20,000 strings: the same verdict, or ruamel is asked."""
    rng = random.Random(7)
    alphabet = list(" -?:#,[]{}&*!|>'\"%@`.ab1đé\n\t\u2028\x85\ufeff😀\xa0")
    _, emitter = canonical_yaml._tools()
    checked = 0
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        for flow in (False, True):
            quick = canonical_yaml._plain_allowed(value, flow)
            if quick is not None:
                analysis = emitter.analyze_scalar(value)
                assert quick == (analysis.allow_flow_plain if flow else analysis.allow_block_plain), (value, flow)
                assert analysis.allow_single_quoted
                checked += 1
    assert checked > 20_000
