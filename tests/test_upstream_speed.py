"""The shortcuts that make ``tthc upstream`` fast give what the slow way gives, on the real portal records.

Each is pinned against the way it replaced: the remembered fold against
:func:`tthc.text.fold`, the record comparison's "same list, nothing to
report" against the item-by-item walk, and records converted in worker
processes against one process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE, SHARED_DATA
from tthc import parallel, text
from tthc.model import Procedure
from tthc.portal import PortalError, clean, to_procedure
from tthc.portal_tables import EMPTY
from tthc.reading import load_catalogue
from tthc.record_diff import compare_procedures
from tthc.records import build_procedure
from tthc.source import folder_files
from tthc.upstream import compare
from tthc.upstream_sources import read_sources

DATA = SHARED_DATA / "real-procedures"
RECORDS = DATA / "records.json"
LIST = DATA / "procedure-list-bo-tu-phap.json"

pytestmark = pytest.mark.skipif(not RECORDS.is_file() or not LIST.is_file(), reason="shared/data is not beside this checkout")


def real_records() -> list[dict[str, str]]:
    records: list[dict[str, str]] = json.loads(RECORDS.read_text("utf-8"))
    return records


def real_procedures() -> list[Procedure]:
    out = []
    for record in real_records():
        try:
            out.append(build_procedure("", to_procedure(record).data))
        except PortalError:
            continue
    return out


def test_fold_memo_folds_as_fold() -> None:
    texts = [clean(value) for record in real_records()[::3] for value in record.values()]
    texts += [line for t in texts for line in t.split("\n")]
    texts += ["Đăng  ký\u00a0KHAI SINH ", "Đa\u0300ng ky\u0301", "Ελληνικά ά", "", "  "]
    assert len(texts) > 5_000
    for each in texts:
        assert text.fold_memo(each) == text.fold(each)
    assert text.fold_memo("Đăng ký") is text.fold_memo("Đăng ký")  # remembered, not folded again


def test_clean_replaces_runs_of_spaces_as_the_per_line_way_did() -> None:
    runs = re.compile(r"[ \t\u00a0]+")

    def slow(value: str) -> str:
        value = text.drop_pasted_noise(text.nfc(value).replace("\r\n", "\n").replace("\r", "\n"))
        joined = "\n".join(line for line in (runs.sub(" ", line).strip() for line in value.split("\n")) if line)
        return "" if joined == EMPTY else joined

    values = [value for record in real_records() for value in record.values()]
    values += [" a \t b\u00a0\u00a0c \n  d\t\n\u00a0", "x \u00a0 y", "\t", " ", "a  b", "Không có  thông tin"]
    for value in values:
        assert clean(value) == slow(value)


def _listed(proc: Procedure) -> Procedure:
    """The same procedure with its lists as lists, not tuples: never ``==`` to the original, so compared item by item."""
    changes: dict[str, Any] = {
        f.name: list(getattr(proc, f.name)) for f in dataclasses.fields(proc) if isinstance(getattr(proc, f.name), tuple)
    }
    changes["dossier"] = dataclasses.replace(proc.dossier, cases=list(proc.dossier.cases))  # type: ignore[arg-type]
    return dataclasses.replace(proc, **changes)


def test_equal_lists_report_what_the_item_walk_reports() -> None:
    procedures = real_procedures()
    assert len(procedures) > 250
    for proc in procedures:
        assert compare_procedures(proc, proc) == compare_procedures(proc, _listed(proc)) == []
    # Different procedures: some lists equal (short-cut), others not (walked), in the same comparison.
    for old, new in zip(procedures[:300:15], procedures[1:300:15], strict=True):
        assert compare_procedures(old, new) == compare_procedures(_listed(old), new) != []


def test_records_converted_in_workers_give_the_report_of_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    records = real_records()
    more = [dict(r, ma_thu_tuc=f"9.{k:06d}") for k, r in enumerate(records[:150], 300)]
    more[7]["ma_thu_tuc"] = "mã hỏng"  # an unreadable record, reported from a worker as from this process
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records + more, ensure_ascii=False), "utf-8")
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    sources = read_sources([path, LIST], catalogue.settings.limits)
    today = dt.date(2026, 12, 7)
    monkeypatch.setattr(parallel, "cores", lambda: 2)  # workers even on a one-core machine
    assert parallel.workers_for(len(records + more)) == 2
    spread = compare(catalogue, sources, today=today)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    alone = compare(catalogue, sources, today=today)
    assert spread == alone
    assert any("mã hỏng" in u for s in spread.scopes for u in s.unreadable)
    assert spread.group("adopt") and spread.group("amend")
