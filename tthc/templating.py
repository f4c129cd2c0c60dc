"""The Jinja2 environment every rendered output uses.

Autoescaping is always on: catalogue text comes from many hands and is
published to citizens. A province overrides any template by name with
``--templates DIR``; names that climb out of a folder are refused by Jinja2's
own loader.

No custom filters: the views (:mod:`tthc.procedure_view` and its siblings)
hand templates text already worded by :mod:`tthc.wording`, so a template
only lays it out.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

import tthc


def builtin_templates() -> Path:
    """The shipped templates: inside the installed package, or beside it in a checkout."""
    package = Path(tthc.__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def environment(overrides: Path | None = None) -> jinja2.Environment:
    folders = [str(overrides)] if overrides is not None else []
    folders.append(str(builtin_templates()))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
