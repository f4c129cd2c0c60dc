from __future__ import annotations

import click

KINDS = ("procedure", "decision", "catalogue")


@click.command()
@click.argument("kind", type=click.Choice(KINDS), default="procedure")
def schema(kind: str) -> None:
    """In JSON Schema (Draft 2020-12) của một loại tệp, cho trình soạn thảo.

    \b
    KIND: procedure (thủ tục), decision (quyết định công bố), catalogue (tthc.yaml).
    Ví dụ dùng với VS Code (tiện ích YAML):
      tthc schema procedure > .vscode/procedure.schema.json
    """
    from tthc.schema import schema_text

    click.echo(schema_text(kind), nl=False)
