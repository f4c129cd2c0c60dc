from __future__ import annotations

import click


@click.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(("text", "markdown")), default="text", show_default=True,
    help="markdown: tài liệu docs/rules.md.",
)
def rules(fmt: str) -> None:
    """Liệt kê mọi quy tắc kiểm tra (rule): mã, mức độ, nội dung, cách sửa."""
    from tthc.rulebook import markdown, table

    click.echo(markdown() if fmt == "markdown" else table(), nl=False)
