"""The Jinja2 environment every rendered output uses.

Autoescaping is always on: catalogue text comes from many hands and is
published to citizens. A province overrides any template by name with
``--templates DIR``; names that climb out of a folder are refused by Jinja2's
own loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

import tthc
from tthc import text


def builtin_templates() -> Path:
    """The shipped templates: inside the installed package, or beside it in a checkout."""
    package = Path(tthc.__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def date_vi(value: Any) -> str:
    """18/11/2024, the way Vietnamese documents write dates."""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value or "")


def money(value: Any) -> str:
    """50000 → 50.000 (Vietnamese groups thousands with dots)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value or "")
    whole = int(value)
    if whole != value:
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{whole:,}".replace(",", ".")


def vi_sort(items: Iterable[Any], attribute: str | None = None) -> list[Any]:
    """Vietnamese alphabetical order, for lists in templates."""
    if attribute is None:
        return sorted(items, key=lambda item: text.sort_key(str(item)))
    return sorted(items, key=lambda item: text.sort_key(str(_attr(item, attribute))))


def _attr(item: Any, name: str) -> Any:
    return item.get(name, "") if isinstance(item, dict) else getattr(item, name, "")


def environment(overrides: Path | None = None) -> jinja2.Environment:
    folders = [str(overrides)] if overrides is not None else []
    folders.append(str(builtin_templates()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_vi=date_vi, money=money, vi_sort=vi_sort, fold=text.fold, slug=text.slug)
    return env
