"""The rule reference, generated from the registry so that it cannot drift.

``docs/rules.md`` is the output of :func:`markdown`; a test fails when the
committed file differs (regenerate it with ``tthc rules -f markdown``).
"""

from __future__ import annotations

import re

from tthc import rules as _rules  # noqa: F401  (registers every rule)
from tthc.findings import REGISTRY, Rule

LAYERS = {
    "yaml": "Tầng 1: đọc tệp (YAML, mã hóa, an toàn)",
    "schema": "Tầng 2: cấu trúc (JSON Schema)",
    "rule": "Tầng 3: quy tắc nghiệp vụ",
    "diff": "Tầng 4: so sánh hai phiên bản (tthc diff --require-decisions)",
}


def _template(text: str) -> str:
    """Show ``{placeholder}`` as ‹placeholder› and ``{{`` as a literal brace."""
    text = re.sub(r"(?<!\{)\{([a-z_]+)\}(?!\})", r"‹\1›", text)
    return text.replace("{{", "{").replace("}}", "}")


def _cell(text: str) -> str:
    return _template(text).replace("|", "\\|").replace("\n", " ")


def _by_layer() -> dict[str, list[type[Rule]]]:
    out: dict[str, list[type[Rule]]] = {layer: [] for layer in LAYERS}
    for rule in REGISTRY:
        out[rule.layer].append(rule)
    return out


def markdown() -> str:
    lines = [
        "# Quy tắc kiểm tra (rule reference)",
        "",
        "Tệp này được sinh tự động từ mã nguồn: `tthc rules --format markdown > docs/rules.md`.",
        "Mỗi phát hiện (finding) in ra dạng `tệp:dòng:cột  mức  nội dung  (mã quy tắc)`.",
        "Mức `lỗi` (error) làm `tthc validate` trả mã thoát 1; `cảnh báo` (warning) chỉ khi có `--strict`.",
        "",
    ]
    for layer, rules in _by_layer().items():
        lines += [f"## {LAYERS[layer]}", "", "| Mã | Mức | Kiểm tra gì | Thông báo | Cách sửa |", "|---|---|---|---|---|"]
        for rule in rules:
            lines.append(
                f"| `{rule.id}` | {rule.severity.label} | {_cell(rule.title)} | {_cell(rule.message)} | {_cell(rule.fix)} |"
            )
        lines.append("")
    return "\n".join(lines)


def table() -> str:
    width = max(len(rule.id) for rule in REGISTRY)
    return "".join(f"{rule.id.ljust(width)}  {rule.severity.label:<8}  {rule.title}\n" for rule in REGISTRY)
