#!/usr/bin/env python3
"""Make ``tthc/data/fields.yaml``, the list of fields ``tthc init`` offers, from real records.

    python benchmarks/national_fields.py SHARED_DATA [--sample catalogue] > tthc/data/fields.yaml

SHARED_DATA is the folder of real national-portal records (``records.json``
and ``procedure-list-bo-tu-phap.json``, see its README). A list of field
names is fact, not a copy of the records: only the names, the ministry that
announced procedures of the field and a suggested folder id are kept.

* name: as the portal writes it (NFC, spaces collapsed; typos kept);
* ministry: from the Bộ Tư pháp list's "Cơ quan ban hành", or from the
  announcing decision's number (``…/QĐ-BTP`` is Bộ Tư pháp). ``BGTVT``
  decisions count as Bộ Xây dựng, the ministry whose folder holds those
  records in the source (the transport ministry was merged into it in 2025);
* code: the national field code, only where a source gives one (none of
  today's sources does, so no entry has one: a code is never made up);
* id: the sample catalogue's id for its fields, else the importer's
  suggestion (:func:`tthc.importer.suggest_field_id`), made unique.

The sample catalogue's own fields are added (without a ministry when no
record names one). Entries are in Vietnamese order of their names. Two runs
give the same bytes; tests/test_init.py checks the shipped file against this
script when the records are present.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tthc import collation, fmt, text
from tthc.importer import suggest_field_id

MINISTRIES = {
    "BTC": "Bộ Tài chính",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Xây dựng",
    "BCA": "Bộ Công an",
    "BTP": "Bộ Tư pháp",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
}
"""The issuing body in a decision number → the ministry, as the records' source folders name them."""

_ISSUER = re.compile(r"(?<![A-ZĐ])(" + "|".join(MINISTRIES) + r")(?![A-ZĐ])")

HEADER = """\
Lĩnh vực thủ tục hành chính mà `tthc init` gợi ý (name: tên như Cổng DVC quốc gia ghi; ministry: bộ, ngành
công bố thủ tục của lĩnh vực; id: tên thư mục gợi ý; code: mã lĩnh vực trên CSDL quốc gia, chỉ khi nguồn có).
Tạo bằng benchmarks/national_fields.py từ bản ghi thật của Cổng DVC quốc gia và danh mục mẫu; không sửa tay.
"""


def clean(name: str) -> str:
    return " ".join(text.nfc(name).split())


def collect(shared: Path, sample: Path) -> list[dict[str, str]]:
    """Every field name the sources give, with its ministry and id."""
    ministries: dict[str, set[str]] = {}
    for record in json.loads((shared / "records.json").read_text("utf-8")):
        name = clean(record["linh_vuc"])
        issuer = _ISSUER.search(text.nfc(record["so_quyet_dinh"]))
        ministries.setdefault(name, set()).update([MINISTRIES[issuer.group(1)]] if issuer else [])
    for row in json.loads((shared / "procedure-list-bo-tu-phap.json").read_text("utf-8")):
        ministries.setdefault(clean(row["Lĩnh vực"]), set()).add(clean(row["Cơ quan ban hành"]))

    settings = fmt.yaml_rt().load((sample / "tthc.yaml").read_text("utf-8"))
    sample_ids = {clean(f["name"]): str(f["id"]) for f in settings["fields"]}
    sample_codes = {clean(f["name"]): str(f["code"]) for f in settings["fields"] if f.get("code")}
    for name in sample_ids:
        ministries.setdefault(name, set())

    taken = set(sample_ids.values())
    entries = []
    for name in sorted(ministries, key=collation.sort_key):
        ident = sample_ids.get(name)
        if ident is None:
            base = ident = suggest_field_id(name)
            n = 2
            while ident in taken:
                ident, n = f"{base}-{n}", n + 1
            taken.add(ident)
        entry = {"name": name, "id": ident}
        if name in sample_codes:
            entry["code"] = sample_codes[name]
        if ministries[name]:
            entry["ministry"] = ", ".join(sorted(ministries[name], key=collation.sort_key))
        entries.append(entry)
    return entries


def render(entries: list[dict[str, str]]) -> str:
    document = CommentedMap(fields=CommentedSeq(CommentedMap(e) for e in entries))
    out = io.StringIO()
    fmt.yaml_rt().dump(document, out)
    header = "".join(f"# {line}\n" for line in HEADER.splitlines())
    return header + out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="folder holding records.json and procedure-list-bo-tu-phap.json")
    parser.add_argument("--sample", type=Path, default=Path(__file__).parents[1] / "catalogue")
    args = parser.parse_args(argv)
    sys.stdout.write(render(collect(args.shared, args.sample)))


if __name__ == "__main__":
    main()
