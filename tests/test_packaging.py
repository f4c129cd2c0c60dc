"""setup.cfg lists packages by hand (templates/ ships as tthc.templates): keep the list whole."""

from __future__ import annotations

import configparser

from tests.conftest import PROJECT


def test_every_subpackage_is_listed() -> None:
    config = configparser.ConfigParser()
    config.read(PROJECT / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    on_disk = {
        ".".join(init.parent.relative_to(PROJECT).parts)
        for init in (PROJECT / "tthc").rglob("__init__.py")
    }
    assert on_disk | {"tthc.templates"} == listed
