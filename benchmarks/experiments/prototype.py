#!/usr/bin/env python3
"""A prototype of a fast ``tthc validate``, to size the proposals in the README with numbers.

    python benchmarks/experiments/prototype.py validate ROOT [--jobs 2] [--cache FILE]
    python benchmarks/experiments/prototype.py compare ROOT [--repeat 3] [--inject]

``validate`` prints the same findings as ``tthc validate -f json`` would
(rule, file, line, column, message), but:

1. each file goes through :mod:`fastload` (libyaml, ruamel's YAML 1.2
   resolvers) and is checked by jsonschema-rs as a yes/no gate; only a file
   the fast path declines or the gate refuses goes through tthc's own
   loader and ``schema.check`` (so its findings are tthc's, exactly);
2. the four text rules run as one fused walk (tthc's own per-string tests),
   and the real rules run only on the documents that walk flags;
3. with ``--jobs 2`` the per-file work is spread over two processes;
4. with ``--cache FILE``, per-file results (data + load/schema/text findings)
   are kept by BLAKE2 hash of the file's bytes, salted with the versions of
   tthc, the schemas and this script; a corrupt or foreign cache is ignored.

Cross-file rules (codes, decisions, references) always run on the whole
catalogue, as now. Positions are found by tthc's locator, for files with
findings only.

``compare`` runs, in one go and on the same files: ``tthc validate``, this
prototype (1 and 2 jobs, cold, warm, one file changed) and check-jsonschema,
and prints the ratios. ``--inject`` first breaks 1 % of the files (at least 24) in 12
different ways and checks that the prototype reports exactly tthc's findings.

An experiment: nothing in tthc imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import marshal
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fastload  # noqa: E402

_SUSPECT = frozenset("&*!")
CACHE_FORMAT = 1


# --------------------------------------------------------------------------
# Per-file work (runs in the workers)
# --------------------------------------------------------------------------

_GATES: dict[str, Any] = {}


def _gate(kind: str) -> Any:
    if kind not in _GATES:
        import jsonschema_rs

        from tthc import schema

        _GATES[kind] = jsonschema_rs.Draft202012Validator(schema.schema(kind), validate_formats=True)
    return _GATES[kind]


def _text_flagged(data: Any) -> bool:
    """Whether any text rule could fire on this document: one walk, tthc's own per-string tests."""
    from tthc import text
    from tthc.model import iter_strings

    for _, value, key in iter_strings(data):
        if not text.is_nfc(value) or text.invisible_chars(value) or text.detect_mojibake(value):
            return True
        if not key and value.strip().casefold() in {"không có thông tin", "đang cập nhật", "n/a", "..."}:
            return True
    return False


LOADER = fastload.libyaml12


def process(path: str, kind: str, raw: bytes, limits: Any) -> tuple[str, str, Any, list[Any], bool]:
    """(path, kind, data, load+schema findings, text rules needed) for one file."""
    from tthc import loader, schema

    source = None
    if len(raw) <= limits.max_file_bytes and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            source = None
    data = None
    findings: list[Any] = []
    if source is not None and not _SUSPECT.intersection(source) and "\x00" not in source[:4096]:
        try:
            data = LOADER(source)
        except fastload.Unsure:
            data = None
    if data is None:  # the full loader, with its findings and positions
        loaded = loader.load(path, kind, raw, limits)
        data, findings = loaded.document.data, list(loaded.findings)
    if data is not None and not _gate(kind).is_valid(data):
        findings.extend(schema.check(path, kind, data))
    return path, kind, data, findings, data is not None and _text_flagged(data)


def _process_chunk(chunk: list[tuple[str, str, bytes]], limits: Any) -> list[tuple[str, str, Any, list[Any], bool]]:
    return [process(path, kind, raw, limits) for path, kind, raw in chunk]


# --------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------


def _salt() -> bytes:
    import tthc
    from tthc import schema

    parts = [tthc.__version__, Path(__file__).read_text("utf-8"), (HERE / "fastload.py").read_text("utf-8")]
    parts += [schema.schema_text(kind) for kind in ("procedure", "decision", "catalogue")]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).digest()


def _key(salt: bytes, path: str, raw: bytes) -> bytes:
    h = hashlib.blake2b(salt, digest_size=20)
    h.update(path.encode())
    h.update(b"\0")
    h.update(raw)
    return h.digest()


def _load_cache(file: Path, salt: bytes) -> dict[bytes, Any]:
    """The cache, or {} if missing, corrupt, from another version, or unreadable."""
    import pickle

    try:
        blob = file.read_bytes()
        digest, body = blob[:32], blob[32:]
        if hashlib.blake2b(body, digest_size=32).digest() != digest:
            return {}
        fmt, cache_salt, entries = marshal.loads(body)
        if fmt != CACHE_FORMAT or cache_salt != salt:
            return {}
        return {k: (v[0], pickle.loads(v[1]) if v[1] else [], v[2]) for k, v in entries.items()}
    except Exception:
        return {}


def _save_cache(file: Path, salt: bytes, entries: dict[bytes, Any]) -> None:
    """Write beside the target, then rename: concurrent runs see an old or a new cache, never half."""
    import pickle

    body = marshal.dumps((CACHE_FORMAT, salt, {
        k: (data, pickle.dumps(findings) if findings else b"", flagged) for k, (data, findings, flagged) in entries.items()
    }))
    digest = hashlib.blake2b(body, digest_size=32).digest()
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cache-", dir=file.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(digest + body)
    os.replace(tmp, file)


# --------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------


def validate(root: Path, jobs: int = 1, cache: Path | None = None) -> list[Any]:
    from tthc import locator
    from tthc.findings import REGISTRY
    from tthc.model import Catalogue, Document
    from tthc.reading import catalogue_limits as _limits
    from tthc.records import build_catalogue
    from tthc.rules import yaml_rules
    from tthc.source import OUTSIDE, folder_files

    files = list(folder_files(root))
    limits = _limits(files)
    salt = _salt() if cache is not None else b""
    cached = _load_cache(cache, salt) if cache is not None else {}
    keys: dict[str, bytes] = {}
    results: dict[str, tuple[str, str, Any, list[Any], bool]] = {}
    todo: list[tuple[str, str, bytes]] = []
    load_findings: list[Any] = []
    for file in files:
        if file.data is None:
            rule = yaml_rules.OutsideCatalogue if file.error == OUTSIDE else yaml_rules.Unreadable
            load_findings.append(rule.finding(file.path, reason=file.error).located(1, 1))
            results[file.path] = (file.path, file.kind, None, [], False)
            continue
        if cache is not None:
            key = keys[file.path] = _key(salt, file.path, file.data)
            hit = cached.get(key)
            if hit is not None:
                results[file.path] = (file.path, file.kind, *hit)
                continue
        todo.append((file.path, file.kind, file.data))
    if jobs > 1 and len(todo) > 64:
        size = max(16, len(todo) // (jobs * 8))
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(jobs) as pool:
            for part in pool.map(_process_chunk, chunks, [limits] * len(chunks)):
                for result in part:
                    results[result[0]] = result
    else:
        for result in _process_chunk(todo, limits):
            results[result[0]] = result
    if cache is not None and (todo or len(cached) != len(keys)):
        _save_cache(cache, salt, {keys[p]: results[p][2:] for p in keys})

    raw_by_path = {f.path: f.data for f in files}
    documents = {}
    flagged = set()
    for file in files:
        path, kind, data, findings, text_flag = results[file.path]
        load_findings.extend(findings)
        documents[path] = Document(path, kind, data, "")
        if text_flag:
            flagged.add(path)
    catalogue = build_catalogue(str(root), documents)
    rule_findings = []
    for rule in REGISTRY.checks():
        if rule.id.startswith("text-"):
            if flagged:
                sub = Catalogue(catalogue.root, catalogue.settings, (), (), {p: documents[p] for p in flagged})
                rule_findings.extend(rule.check(sub))
        else:
            rule_findings.extend(rule.check(catalogue))
    claimed = {(f.file, f.path) for f in rule_findings}
    kept = [f for f in load_findings if f.line is not None or (f.file, f.path) not in claimed]
    every = [*kept, *rule_findings]
    need = {f.file for f in every if f.line is None}
    texts = {}
    for path in need:
        raw = raw_by_path.get(path)
        if raw is not None:
            with contextlib.suppress(UnicodeDecodeError):
                texts[path] = raw.decode("utf-8-sig")
    codes = {proc.file: proc.code for proc in catalogue.procedures if proc.code}
    import dataclasses

    located = [
        f if f.code or f.file not in codes else dataclasses.replace(f, code=codes[f.file])
        for f in locator.locate(every, texts)
    ]
    return sorted(set(located), key=lambda f: f.sort_key)


def _as_rows(findings: list[Any]) -> list[list[Any]]:
    return [[f.rule, f.file, f.line, f.column, f.message] for f in findings]


# --------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------


def _timed(cmd: list[str], repeat: int, before: Any = None) -> tuple[float, str]:
    times = []
    out = ""
    for k in range(repeat):
        if before is not None:
            before(k)
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        out = done.stdout
    return statistics.median(times), out


def _inject(root: Path) -> int:
    """Break 1 % of the procedure files (at least 24), each in one of 12 ways; returns how many."""
    breakers = [
        lambda s: s.replace("field:", "field:\n  level: x", 1),                     # yaml syntax
        lambda s: s.replace("name:", "name: A\nname:", 1),                          # duplicate key
        lambda s: s.replace("kind:", "kindd:", 1),                                  # unknown key
        lambda s: s.replace("sets: 1", "sets: một", 1) if "sets: 1" in s else s + "extra: 1\n",
        lambda s: s.replace("Bước 1:", unicodedata.normalize("NFD", "Bước 1: Đăng"), 1),  # NFD text
        lambda s: s.replace("Bước 2:", "Bước 2:\u200b", 1),                         # invisible char
        lambda s: s.replace("level: [Cấp xã]", "level: [Cấp huyện]", 1).replace("level: [Cấp tỉnh]", "level: [Cấp huyện]", 1),
        lambda s: s.replace("- channel: trực tiếp", "- channel: trực tiếp\n    legacy_level: 9", 1),
        lambda s: s.replace("unit: ngày làm việc", "unit: tuần", 1),
        lambda s: s.replace("performing: [", "performing: [khong-co, ", 1),
        lambda s: s + "note2: &a x\n",                                              # anchor: the full loader
        lambda s: s.replace("copies: 0", "copies: -1", 1),
    ]
    files = sorted((root / "procedures").rglob("*.yaml"))
    count = min(len(files), max(24, len(files) // 100))  # at least two files per way of breaking
    broken = files[:: max(1, len(files) // count)][:count]
    for n, path in enumerate(broken):
        text = path.read_text("utf-8")
        path.write_text(breakers[n % len(breakers)](text), "utf-8")
    return len(broken)


def compare(root: Path, repeat: int, inject: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="tthc-proto-"))
    try:
        if inject:
            copy = work / "catalogue"
            shutil.copytree(root, copy)
            count = _inject(copy)
            global LOADER
            ours = _as_rows(validate(copy, jobs=2))
            LOADER = fastload.ryaml_guarded
            ours_ryaml = _as_rows(validate(copy, jobs=2))
            LOADER = fastload.libyaml12
            done = subprocess.run(["tthc", "validate", "-f", "json", str(copy)], capture_output=True, text=True)
            theirs = [[f["rule"], f["file"], f["line"], f["column"], f["message"]] for f in json.loads(done.stdout)["findings"]]
            same = ours == theirs
            print(f"Injected {count} broken files: tthc reports {len(theirs)} findings, the prototype {len(ours)};"
                  f" identical (rule, file, line, column, message): {same}; with ryaml: {ours_ryaml == theirs}")
            if not same:
                for row in [r for r in theirs if r not in ours][:5]:
                    print("  only tthc:", row)
                for row in [r for r in ours if r not in theirs][:5]:
                    print("  only prototype:", row)
            root = copy
            # The cached run must report the same again.
            cache = work / "cache.bin"
            first = _as_rows(validate(root, jobs=2, cache=cache))
            second = _as_rows(validate(root, jobs=2, cache=cache))
            print(f"Cached run reports the same findings as the uncached one: {first == second == ours}")
        schema_file = work / "procedure.schema.json"
        schema_file.write_text(subprocess.run(["tthc", "schema", "procedure"], capture_output=True, text=True, check=True).stdout)
        procedures = sorted(p.relative_to(root).as_posix() for p in (root / "procedures").rglob("*.yaml"))
        me = [sys.executable, str(Path(__file__).resolve()), "validate", str(root)]
        cache = work / "cache.bin"
        changed = root / procedures[len(procedures) // 2]
        original = changed.read_bytes()

        def touch(k: int) -> None:
            changed.write_bytes(original.replace(b"\nname: ", f"\nname: (sửa {k}) ".encode(), 1))

        rows: dict[str, float] = {}
        os.chdir(root)
        rows["check-jsonschema"], _ = _timed(["check-jsonschema", "--schemafile", str(schema_file), *procedures], repeat)
        rows["tthc validate (now)"], _ = _timed(["tthc", "validate", str(root)], repeat)
        ry = [*me, "--loader", "ryaml"]
        rows["prototype libyaml12, 1 process"], _ = _timed(me, repeat)
        rows["prototype libyaml12, 2 processes"], _ = _timed([*me, "--jobs", "2"], repeat)
        rows["prototype ryaml, 1 process"], _ = _timed(ry, repeat)
        rows["prototype ryaml, 2 processes"], _ = _timed([*ry, "--jobs", "2"], repeat)
        rows["prototype ryaml, 2 processes, empty cache (writes it)"], _ = _timed(
            [*ry, "--jobs", "2", "--cache", str(cache)], repeat, before=lambda k: cache.unlink(missing_ok=True)
        )
        subprocess.run([*ry, "--cache", str(cache)], capture_output=True, check=False)
        rows["prototype, warm cache"], _ = _timed([*ry, "--jobs", "2", "--cache", str(cache)], repeat)
        rows["prototype, warm cache, one file changed"], _ = _timed(
            [*ry, "--jobs", "2", "--cache", str(cache)], repeat, before=touch
        )
        changed.write_bytes(original)
        cjs = rows["check-jsonschema"]
        print(f"\n{len(procedures)} procedure files; median of {repeat}; same run, same files\n")
        print("| command | seconds | / check-jsonschema |\n|---|---:|---:|")
        for name, seconds in rows.items():
            print(f"| {name} | {seconds:.2f} | {seconds / cjs:.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("root", type=Path)
    v.add_argument("--jobs", type=int, default=1)
    v.add_argument("--cache", type=Path)
    v.add_argument("--loader", choices=("libyaml12", "ryaml"), default="libyaml12")
    c = sub.add_parser("compare")
    c.add_argument("root", type=Path)
    c.add_argument("--repeat", type=int, default=3)
    c.add_argument("--inject", action="store_true")
    args = parser.parse_args()
    if args.command == "validate":
        global LOADER
        LOADER = fastload.ryaml_guarded if args.loader == "ryaml" else fastload.libyaml12
        findings = validate(args.root.resolve(), args.jobs, args.cache)
        print(json.dumps(_as_rows(findings), ensure_ascii=False))
        return 1 if any(f.severity.value == "error" for f in findings) else 0
    compare(args.root.resolve(), args.repeat, args.inject)
    return 0


if __name__ == "__main__":
    sys.exit(main())
