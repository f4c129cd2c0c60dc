from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tthc.cli import asking
from tthc.cli.common import DATE_HINT, EXIT_OK, display_prefix, fail, load_settings, typed_date

if TYPE_CHECKING:
    from tthc.model import Catalogue


def _code(catalogue: Catalogue) -> Callable[[str], str]:
    from tthc.layout import CODE

    existing = catalogue.by_code()

    def check(value: str) -> str:
        code = value.strip()
        if not CODE.match(code):
            raise click.BadParameter(f"“{code}” không đúng dạng mã TTHC d.dddddd (ví dụ 1.001193) hay mã tạm TAM-<số>.")
        if code in existing:
            raise click.BadParameter(f"mã {code} đã có trong danh mục ({existing[code].file}).")
        return code

    return check


def _name(value: str) -> str:
    from tthc import text

    name = " ".join(text.nfc(value).split())
    if len(name) < 3:
        raise click.BadParameter("tên thủ tục phải có ít nhất 3 ký tự.")
    return name


def _field(catalogue: Catalogue) -> Callable[[str], str]:
    from tthc import text

    fields = list(catalogue.settings.fields.values())

    def check(value: str) -> str:
        wanted = value.strip()
        if wanted.isdigit() and 1 <= int(wanted) <= len(fields):
            return fields[int(wanted) - 1].id
        for f in fields:
            if wanted == f.id or text.fold(wanted) == text.fold(f.name):
                return f.id
        known = ", ".join(f.id for f in fields)
        raise click.BadParameter(f"lĩnh vực “{wanted}” chưa khai báo trong tthc.yaml (có: {known}).")

    return check


def _levels(catalogue: Catalogue) -> Callable[[str], tuple[str, ...]]:
    from tthc.cells import parse_levels

    def check(value: str) -> tuple[str, ...]:
        levels, bad = parse_levels(value)
        if bad or not levels:
            allowed = ", ".join(catalogue.settings.levels) or "Cấp tỉnh, Cấp xã"
            raise click.BadParameter(f"cấp “{value}” không hợp lệ; ghi một hoặc nhiều cấp: {allowed}.")
        return levels

    return check


def _decision(value: str) -> str:
    from tthc.layout import DECISION_NUMBER, normalise_decision_number

    number = normalise_decision_number(value)
    if not DECISION_NUMBER.match(number):
        raise click.BadParameter(f"“{value}” không đúng dạng số quyết định, ví dụ 1234/QĐ-UBND.")
    return number


def _date(value: str) -> str:
    date = typed_date(value)
    if date is None:
        raise click.BadParameter(f"“{value.strip()}” không phải ngày hợp lệ ({DATE_HINT}).")
    return date.isoformat()


def _created(root: Path, path: Path) -> None:
    shown = Path(display_prefix(root)) / path.relative_to(root)
    click.echo(f"Đã tạo {shown}.")
    click.echo("Mở tệp, điền các mục ghi “CẦN ĐIỀN”, rồi chạy `tthc validate` để xem còn thiếu gì.")


@click.group()
def new() -> None:
    """Tạo tệp mới có đủ các thành phần và chú thích hướng dẫn (new).

    Trong terminal, lệnh hỏi lần lượt các thông tin còn thiếu; trong script
    hãy ghi đủ tùy chọn. Không bao giờ ghi đè tệp đã có.
    """


@new.command()
@click.option("--code", help="Mã số TTHC, ví dụ 1.001193 (thủ tục chưa có mã: TAM-<số>).")
@click.option("--name", help="Tên thủ tục.")
@click.option("--field", "field_id", help="Mã lĩnh vực khai báo trong tthc.yaml, ví dụ ho-tich.")
@click.option("--level", help="Cấp thực hiện, ví dụ “Cấp xã” hoặc “Cấp tỉnh, Cấp xã”.")
@click.option("--decision", "decisions", multiple=True, help="Số quyết định công bố (dùng nhiều lần được).")
@click.option(
    "-C", "--catalogue", "catalogue_path", type=click.Path(path_type=Path),
    help="Thư mục danh mục; mặc định tìm tthc.yaml từ thư mục hiện tại.",
)
def procedure(
    code: str | None,
    name: str | None,
    field_id: str | None,
    level: str | None,
    decisions: tuple[str, ...],
    catalogue_path: Path | None,
) -> None:
    """Tạo tệp thủ tục mới: procedures/<lĩnh vực>/<mã>.yaml."""
    from tthc import layout, scaffold
    from tthc.atomic import LinkOnWritePath

    root, catalogue = load_settings(catalogue_path)
    fields = catalogue.settings.fields
    code_value = asking.ask("Mã số TTHC (ví dụ 1.001193, hoặc TAM-<số> nếu chưa có mã)", _code(catalogue), code, "--code")
    name_value = asking.ask("Tên thủ tục", _name, name, "--name")
    if field_id is None and asking.interactive():
        click.echo("Lĩnh vực:", err=True)
        for i, f in enumerate(fields.values(), 1):
            click.echo(f"  {i}. {f.id}: {f.name}", err=True)
    field_value = asking.ask("Lĩnh vực (số thứ tự, mã hoặc tên)", _field(catalogue), field_id, "--field")
    levels_hint = ", ".join(catalogue.settings.levels)
    level_value = asking.ask(f"Cấp thực hiện ({levels_hint})", _levels(catalogue), level, "--level")
    decision_values = tuple(asking.ask("Số quyết định", _decision, d, "--decision") for d in decisions)
    info = scaffold.ProcedureInfo(
        code=code_value,
        name=name_value,
        field=field_value,
        levels=level_value,
        field_name=fields[field_value].name,
        decisions=decision_values,
        agency_ids=tuple(catalogue.settings.agencies),
    )
    try:
        path = layout.procedure_path(root, field_value, code_value)
        scaffold.create(path, scaffold.procedure_text(info), root)
    except (layout.UnsafeName, scaffold.ScaffoldError, LinkOnWritePath) as error:
        fail(str(error))
    _created(root, path)
    sys.exit(EXIT_OK)


@new.command()
@click.option("--number", help="Số, ký hiệu quyết định, ví dụ 1234/QĐ-UBND.")
@click.option("--signed", help="Ngày ký: 2025-07-01 hoặc 01/07/2025.")
@click.option("--effective", help="Ngày có hiệu lực (nếu đã biết).")
@click.option("--title", help="Trích yếu (nếu đã biết).")
@click.option(
    "-C", "--catalogue", "catalogue_path", type=click.Path(path_type=Path),
    help="Thư mục danh mục; mặc định tìm tthc.yaml từ thư mục hiện tại.",
)
def decision(
    number: str | None,
    signed: str | None,
    effective: str | None,
    title: str | None,
    catalogue_path: Path | None,
) -> None:
    """Tạo tệp quyết định công bố mới: decisions/<năm>/<số>.yaml."""
    from tthc import layout, scaffold
    from tthc.atomic import LinkOnWritePath

    root, catalogue = load_settings(catalogue_path)
    existing = catalogue.decisions_by_number()
    number_value = asking.ask("Số quyết định (ví dụ 1234/QĐ-UBND)", _decision, number, "--number")
    if number_value in existing:
        fail(f"quyết định {number_value} đã có ({existing[number_value].file}).")
    signed_value = asking.ask("Ngày ký (2025-07-01 hoặc 01/07/2025)", _date, signed, "--signed")
    effective_value = asking.ask("Ngày có hiệu lực", _date, effective, "--effective") if effective else ""
    authority = catalogue.settings.authority
    issuer = f"Chủ tịch {authority}" if authority.startswith("Ủy ban nhân dân") else authority
    info = scaffold.DecisionInfo(
        number=number_value,
        signed=signed_value,
        issuer=issuer,
        title=" ".join((title or "").split()),
        effective=effective_value,
    )
    path = layout.decision_path(root, number_value, signed_value)
    try:
        scaffold.create(path, scaffold.decision_text(info), root)
    except (scaffold.ScaffoldError, LinkOnWritePath) as error:
        fail(str(error))
    _created(root, path)
    sys.exit(EXIT_OK)
