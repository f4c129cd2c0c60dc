from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tthc.cli.common import AS_OF, EXIT_FINDINGS, EXIT_OK, catalogue_root, read_catalogue, wants_color
from tthc.wording import date_text, percent_text

if TYPE_CHECKING:
    from tthc.stats import Stats


def _pct(count: int, total: int) -> str:
    return percent_text(100 * count / total) if total else "–"


def write_text(stats: Stats, out: TextIO, color: bool) -> None:
    """Aligned tables: coloured by rich in a terminal, plain text when piped."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from tthc.text import printable

    def shown(value: str) -> str:
        """Catalogue text in a cell: neither rich markup (“[/]” would raise) nor escape codes."""
        return escape(printable(value))

    console = Console(
        file=out, force_terminal=color, no_color=not color, highlight=False,
        width=None if color else 120,
    )
    total = stats.procedures
    as_of = f" (danh mục có hiệu lực {shown(date_text(stats.as_of))})" if stats.as_of else ""
    console.print(f"[bold]Tổng số thủ tục: {total}[/]{as_of}")
    style = box.SIMPLE_HEAD if color else box.ASCII2

    def table(title: str, first: str) -> Table:
        t = Table(title=title, title_justify="left", title_style="bold cyan", box=style, header_style="bold")
        t.add_column(first)
        t.add_column("Số thủ tục", justify="right")
        t.add_column("Tỷ lệ", justify="right")
        return t

    levels = table("Theo cấp thực hiện", "Cấp")
    for c in stats.by_level:
        style_ = "bold red" if c.key == "Cấp huyện" and c.count else ""
        levels.add_row(shown(c.label), str(c.count), _pct(c.count, total), style=style_)
    levels.add_row("[dim]Thực hiện ở nhiều cấp[/]", str(stats.several_levels), _pct(stats.several_levels, total))
    console.print(levels)

    channels = table("Cách thức thực hiện", "Kênh")
    channels.add_row("Trực tuyến toàn trình", str(stats.online_full.count), percent_text(stats.online_full.percent))
    channels.add_row("Trực tuyến một phần", str(stats.online_partial.count), percent_text(stats.online_partial.percent))
    channels.add_row("Có nộp trực tuyến", str(stats.online_any.count), percent_text(stats.online_any.percent))
    channels.add_row("Qua bưu chính công ích", str(stats.postal.count), percent_text(stats.postal.percent))
    console.print(channels)

    cuts = stats.time_cuts
    t = Table(title="Thời hạn giải quyết cam kết rút ngắn", title_justify="left", title_style="bold cyan",
              box=style, show_header=False)
    t.add_column("")
    t.add_column("", justify="right")
    t.add_row("Thủ tục có thời hạn cam kết", str(cuts.with_local_time))
    t.add_row("So sánh được với thời hạn luật định (cùng đơn vị)", str(cuts.compared))
    t.add_row("Rút ngắn trung bình", percent_text(cuts.average_cut_percent) if cuts.compared else "–")
    console.print(t)

    fields = table("Theo lĩnh vực", "Lĩnh vực")
    for c in stats.by_field:
        fields.add_row(shown(c.label), str(c.count), _pct(c.count, total))
    console.print(fields)

    agencies = table("Theo cơ quan trực tiếp thực hiện", "Cơ quan")
    for c in stats.by_agency:
        agencies.add_row(shown(c.label), str(c.count), _pct(c.count, total))
    console.print(agencies)

    if stats.district:
        console.print(f"[bold red]Còn ở cấp huyện ({len(stats.district)}):[/] {shown(', '.join(stats.district))}")
    else:
        console.print("[green]Không còn thủ tục nào ở cấp huyện.[/]")
    console.print()

    d = Table(title="Theo quyết định công bố (cũ trước)", title_justify="left", title_style="bold cyan",
              box=style, header_style="bold")
    for name, justify in (("Quyết định", "left"), ("Hiệu lực", "left"), ("Mới", "right"), ("Sửa đổi", "right"),
                          ("Thay thế", "right"), ("Bãi bỏ", "right"), ("Cộng", "right")):
        d.add_column(name, justify=justify)  # type: ignore[arg-type]
    for dec in stats.decisions:
        d.add_row(shown(dec.number), shown(date_text(dec.effective)), str(dec.new), str(dec.amended), str(dec.replaced),
                  str(dec.abolished), str(dec.total))
    console.print(d)


@click.command(short_help="Thống kê: cấp, lĩnh vực, trực tuyến, thời hạn, quyết định.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
    help="text (bảng cho người đọc), json hoặc csv (mục, mã, tên, giá trị).",
)
@AS_OF
def stats(path: Path | None, fmt: str, as_of: dt.date | None) -> None:
    """Thống kê bộ danh mục (stats): theo cấp, lĩnh vực, cơ quan; tỷ lệ trực tuyến, bưu chính;
    thời hạn cam kết rút ngắn; thủ tục còn ở cấp huyện; theo quyết định công bố.

    Thủ tục thực hiện ở nhiều cấp được đếm ở mỗi cấp. PATH: thư mục danh mục.
    Mã thoát 1 nếu có tệp không đọc được (số liệu khi đó chưa đủ).
    """
    from tthc.stats import compute, rows

    catalogue = read_catalogue(catalogue_root((path,) if path else ()), as_of)
    result = compute(catalogue)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["muc", "ma", "ten", "gia_tri"])
        writer.writerows(rows(result))
    else:
        write_text(result, sys.stdout, wants_color(sys.stdout))
    unreadable = sorted(doc.file for doc in catalogue.documents.values() if doc.data is None)
    if unreadable:
        click.echo(
            f"tthc: {len(unreadable)} tệp không đọc được nên không được đếm (chạy `tthc validate`): "
            + ", ".join(unreadable[:5]),
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)
