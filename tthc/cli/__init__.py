"""The command line: thin click commands over the core.

Each command parses options, calls one core function, picks a reporter and
maps the result to an exit code. Core modules are imported inside the
commands so that ``tthc --help`` starts fast.
"""

from __future__ import annotations

import click

from tthc import __version__, heap
from tthc.cli import (
    diff_cmd,
    export_cmd,
    fmt_cmd,
    import_cmd,
    init_cmd,
    new_cmd,
    render_cmd,
    rules_cmd,
    schema_cmd,
    stats_cmd,
    upstream_cmd,
    validate_cmd,
)
from tthc.cli.common import stoppable

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        """Every command stops on Ctrl-C or SIGTERM with its own exit code (click's "Aborted!" would be 1)."""
        with stoppable():
            return super().invoke(ctx)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="tthc", message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
    """tthc: quản lý bộ danh mục thủ tục hành chính (TTHC) bằng YAML.

    \b
    Mã thoát (exit code):
      0    hợp lệ / không có gì sai
      1    có lỗi (hoặc cảnh báo khi dùng --strict)
      2    lệnh không chạy được (tùy chọn sai, không tìm thấy danh mục)
      130  bị dừng bằng Ctrl-C (SIGINT)
      143  bị dừng bằng SIGTERM
    """
    # The one place that lets tthc steer the interpreter's collector (tthc.heap), for this command only.
    heap.manage()
    ctx.call_on_close(lambda: heap.manage(False))


main.add_command(validate_cmd.validate)
main.add_command(schema_cmd.schema)
main.add_command(rules_cmd.rules)
main.add_command(fmt_cmd.fmt)
main.add_command(init_cmd.init)
main.add_command(new_cmd.new)
main.add_command(import_cmd.import_)
main.add_command(export_cmd.export)
main.add_command(stats_cmd.stats)
main.add_command(diff_cmd.diff)
main.add_command(upstream_cmd.upstream)
main.add_command(render_cmd.render)
main.add_command(render_cmd.build)
