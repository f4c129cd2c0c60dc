#!/usr/bin/env python3
"""Benchmark tthc against check-jsonschema and against its own floors, in one run.

    benchmarks/run                 # 1,000 and 10,000 procedures (this file is what it runs)
    benchmarks/run --full          # also 50,000
    benchmarks/run --sizes 2000    # any sizes
    benchmarks/run --help

Generates synthetic catalogues (benchmarks/generate.py, two revisions each)
in a temporary folder, then measures, on the same files and in the same run:

* cold ``tthc validate`` (no cache) against ``check-jsonschema`` with tthc's
  own procedure schema over the same procedure files;
* warm ``tthc validate`` (second run, nothing changed), and after one file
  changed, against the same check-jsonschema time;
* the same, cold and warm, with the text and the JSON reporter, on a
  catalogue as a first import leaves it (``generate.py --findings``: every
  procedure file has 2 to 7 findings, 3.5 on average), against
  check-jsonschema on those files: findings must cost as little as the
  checks that make them;
* ``tthc diff OLD NEW`` between the two revisions, against cold validate;
* ``tthc import`` of national-portal records (the real ones, multiplied
  under new codes by benchmarks/portal_records.py; ``--import-records``,
  1,000 by default, at most the size) into a new catalogue, against the
  cold validate of the files it writes (issue 21);
* ``tthc upstream`` of those records (``--upstream-records``, 10,000 by
  default, at most the size) against the catalogue imported from them, every
  procedure shared, against the cold validate of that catalogue (issue 21);
* ``tthc build`` (sheets + site) against the bare Jinja2 rendering of the
  same templates with the same data, in memory (benchmarks/bare_render.py);
* peak memory (max RSS) of every command, times at every size and the
  scaling from one size to the next; ``tthc --help`` start-up (median of 5).

Each command runs at every size before the next command runs, so that a
drift in the machine's speed falls on all sizes alike.

Every command runs as a child process under ``/usr/bin/time`` (wall time
measured here; user+system CPU time and max RSS from time(1)); each timing is
the median of ``--repeat`` runs (3), except that a command whose first run
takes longer than ``--long`` seconds (60) runs once, so that the default run
stays within about a quarter of an hour while tthc is slow. On a shared
machine wall time depends on what else runs; CPU time much less, so both
ratios are printed. The markdown report goes to stdout and to
benchmarks/results-latest.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGETS = {
    "cold": 0.4,
    "cold_clean": 0.3,
    "warm": 0.05,
    "changed": 0.1,
    "diff": 1.0,
    "build": 2.0,
    "scaling_50k": 5.5,
    "memory_mb": 1024.0,
    "memory_50k_mb": 2048.0,
    "import": 1.5,
    "upstream": 1.5,
    "help": 0.3,
}
ARG_BYTES = 1_000_000
"""At most this many bytes of file names per check-jsonschema call (Linux allows 2 MB with the environment)."""


# --------------------------------------------------------------------------
# Running and measuring one child process
# --------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    exit: int


@dataclass
class Measure:
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    skipped: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.skipped


_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{u.ru_utime} {u.ru_stime} {u.ru_maxrss}')\n"
    "sys.exit(code)\n"
)


class Runner:
    """Runs a command as a child and returns its wall time, CPU time and max RSS."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.time_bin = _find_time()
        self.stats = work / "time-stats.txt"

    @property
    def how(self) -> str:
        return f"{self.time_bin} (GNU time)" if self.time_bin else "resource.getrusage(RUSAGE_CHILDREN) in a fresh Python"

    def run(self, cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
        if self.time_bin:
            full = [self.time_bin, "-f", "%U %S %M", "-o", str(self.stats), *cmd]
        else:
            full = [sys.executable, "-c", _RUSAGE_WRAPPER, str(self.stats), *cmd]
        self.stats.unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        user = system = rss = 0.0
        try:
            last = self.stats.read_text().strip().splitlines()[-1].split()
            user, system, rss = float(last[0]), float(last[1]), float(last[2])
        except (OSError, IndexError, ValueError):
            pass
        if done.returncode not in (0, 1):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            print(f"  ! exit {done.returncode}: {' '.join(cmd[:3])} …: {' | '.join(tail)}", file=sys.stderr)
        return Sample(wall, user + system, rss / 1024, done.returncode)


def _find_time() -> str | None:
    for candidate in ("/usr/bin/time", shutil.which("time")):
        if candidate and Path(candidate).is_file() and _is_gnu_time(candidate):
            return candidate
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing GNU time (apt-get install -y time) …", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "time"], capture_output=True)
        if Path("/usr/bin/time").is_file() and _is_gnu_time("/usr/bin/time"):
            return "/usr/bin/time"
    return None


def _is_gnu_time(path: str) -> bool:
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


def measure(
    runner: Runner,
    cmd: list[str],
    repeat: int,
    long: float,
    *,
    cwd: Path | None = None,
    env: Callable[[int], dict[str, str]] | None = None,
    before: Callable[[int], None] | None = None,
) -> Measure:
    result = Measure()
    for k in range(repeat):
        if before is not None:
            before(k)
        result.samples.append(runner.run(cmd, cwd, env(k) if env else None))
        if k == 0 and repeat > 1 and result.samples[0].wall > long:
            result.note = f"1 run (first took > {long:g} s)"
            break
    codes = {s.exit for s in result.samples}
    if codes != {0}:
        result.note = (result.note + "; " if result.note else "") + f"exit {sorted(codes)}"
    return result


# --------------------------------------------------------------------------
# Tools and environment
# --------------------------------------------------------------------------


def ensure_check_jsonschema() -> list[str]:
    """check-jsonschema, run by the Python that runs tthc, installed there if missing.

    Both sides must parse YAML with the same ruamel.yaml and its C loader:
    check-jsonschema found elsewhere on PATH may sit in an environment
    without ``ruamel.yaml.clib`` (ruamel.yaml 0.19 no longer pulls it in),
    where its pure-Python loader is 3–5× slower and would flatter tthc.
    """
    if importlib.util.find_spec("check_jsonschema") is None:
        print("Installing check-jsonschema into this environment (pip) …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "check-jsonschema"], check=True)
    return [sys.executable, "-m", "check_jsonschema"]


def yaml_loader() -> str:
    """Which ruamel.yaml loader check-jsonschema (and tthc) get in this environment, for the report."""
    import ruamel.yaml

    c = importlib.util.find_spec("_ruamel_yaml") is not None
    return f"ruamel.yaml {ruamel.yaml.__version__}, {'C loader (ruamel.yaml.clib)' if c else 'pure-Python loader (no ruamel.yaml.clib)'}"


def tthc_command() -> list[str]:
    exe = shutil.which("tthc")
    return [exe] if exe else [sys.executable, "-m", "tthc"]


def export_revision(rev: str, into: Path) -> Path:
    """tthc as committed at ``rev``, unpacked with git archive (read-only for the repository)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "tthc", "templates"], cwd=REPO,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _version(cmd: list[str]) -> str:
    done = subprocess.run([*cmd, "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def git_state(rev: str | None = None) -> str:
    def git(*args: str) -> str:
        # --no-optional-locks: a status must not refresh (write) the index other people use.
        done = subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    if rev is not None:
        return (git("rev-parse", "--short", rev) or rev) + f" ({rev}, as committed)"
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" with uncommitted work" if git("status", "--porcelain") else "")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores{f' ({model})' if model else ''}{memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    files_mb: float
    generate_seconds: float
    measures: dict[str, Measure] = field(default_factory=dict)


LABELS = {
    "cjs": "check-jsonschema (procedure files)",
    "cold": "tthc validate, cold (no cache)",
    "warm": "tthc validate, warm (nothing changed)",
    "changed": "tthc validate, one file changed",
    "diff": "tthc diff OLD NEW (folders)",
    "build": "tthc build (sheets + site)",
    "build_warm": "tthc build after tthc validate (info)",
    "bare": "bare Jinja2 render (in memory)",
    "cjs_findings": "check-jsonschema, first import (findings in every file)",
    "cold_findings": "tthc validate, first import, cold",
    "cold_findings_json": "tthc validate -f json, first import, cold",
    "warm_findings": "tthc validate, first import, warm",
    "warm_findings_json": "tthc validate -f json, first import, warm",
    "import": "tthc import of portal records (info: records in the notes)",
    "cold_imported": "tthc validate, cold, of what the import wrote",
    "upstream": "tthc upstream of portal records against the catalogue imported from them (info: records in the notes)",
    "cold_upstream": "tthc validate, cold, of that catalogue",
}


def _tthc_peak(measures: dict[str, Measure]) -> float:
    """The largest peak of a tthc command: the floors (check-jsonschema, the bare render) are not tthc's."""
    return max((x.rss_mb for k, x in measures.items() if x.ok and k.split("_")[0] not in ("cjs", "bare")), default=0.0)


class SizeBench:
    """One size's catalogues and everything measured on them, one command at a time.

    ``main`` runs each command at every size before the next command
    (:data:`STEPS`), so that a change in the machine's speed during the run
    (other sessions start, the host is throttled) falls on the sizes alike
    instead of on whichever size came last: measured size after size, in one
    run check-jsonschema itself (one process, 80 MB, no shared state) took
    6.6 times as long for 5 times the files.
    """

    STEPS = ("cjs", "validate", "findings", "import_", "upstream", "diff", "build", "bare")

    def __init__(
        self, size: int, work: Path, runner: Runner, args: argparse.Namespace, tthc: list[str], cjs: list[str],
        schema: Path,
    ) -> None:
        self.runner, self.tthc, self.cjs_command, self.schema = runner, tthc, cjs, schema
        self.repeat, self.long = args.repeat, args.long
        self.steps = set(args.steps or [s.rstrip("_") for s in self.STEPS])
        self.import_records, self.records = min(size, args.import_records), args.records
        self.upstream_records = min(size, args.upstream_records)
        self.base = work / f"n{size}"
        self.rev1, self.rev2 = self.base / "rev1", self.base / "rev2"
        print(f"\n== {size:,} procedures: generating …", file=sys.stderr)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--procedures", str(size), "--out", str(self.rev1),
             "--revision2", str(self.rev2), "--seed", args.seed],
            check=True, stdout=subprocess.DEVNULL,
        )
        self.firsts = self.base / "first-import"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--procedures", str(size), "--out", str(self.firsts),
             "--findings", "--seed", args.seed],
            check=True, stdout=subprocess.DEVNULL,
        )
        generated = time.perf_counter() - start
        self.procedures = sorted(p.relative_to(self.rev1).as_posix() for p in (self.rev1 / "procedures").rglob("*.yaml"))
        size_mb = sum(p.stat().st_size for p in self.rev1.rglob("*.yaml")) / 1e6
        self.result = SizeResult(size, size_mb, generated)
        self.pristine = {p.name for p in self.rev1.iterdir()}
        self.counter = iter(range(1_000_000))
        self.warm_home = self.base / "home-warm"
        self.warm_home.mkdir(parents=True, exist_ok=True)
        self.validate_cmd = [*tthc, "validate", str(self.rev1)]

    def _say(self, what: str) -> None:
        print(f"   {self.result.size:,}: {what} …", file=sys.stderr)

    def forget_caches(self) -> None:
        """Remove anything tthc may have left in a catalogue root (a cache folder, say)."""
        for entry in [*self.rev1.iterdir(), *self.firsts.iterdir()]:
            if entry.name not in self.pristine:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    def fresh_env(self, _: int = 0) -> dict[str, str]:
        """A home and cache folder no earlier run has used: nothing cached anywhere tthc may look."""
        self.forget_caches()
        home = self.base / f"home-cold-{next(self.counter)}"
        home.mkdir(parents=True)
        return _env(home)

    def warm_env(self, _: int = 0) -> dict[str, str]:
        return _env(self.warm_home)

    def cjs(self) -> None:
        self._say("check-jsonschema")
        self.result.measures["cjs"] = _check_jsonschema(
            self.runner, self.cjs_command, self.schema, self.procedures, self.rev1, self.repeat, self.long)

    def validate(self) -> None:
        self._say("tthc validate (cold, warm, one file changed)")
        m, base, validate = self.result.measures, self.base, self.validate_cmd
        m["cold"] = measure(self.runner, validate, self.repeat, self.long, cwd=base, env=self.fresh_env)
        self.forget_caches()
        self.runner.run(validate, base, self.warm_env())  # primes whatever cache tthc keeps
        m["warm"] = measure(self.runner, validate, self.repeat, self.long, cwd=base, env=self.warm_env)
        changed = self.rev1 / self.procedures[len(self.procedures) // 2]
        original = changed.read_bytes()

        def change(k: int) -> None:
            changed.write_bytes(original.replace(b"\nname: ", f"\nname: (sửa lần {k + 1}) ".encode(), 1))

        m["changed"] = measure(self.runner, validate, self.repeat, self.long, cwd=base, env=self.warm_env,
                               before=change)
        changed.write_bytes(original)
        found = [p.name for p in self.rev1.iterdir() if p.name not in self.pristine]
        found += [str(p.relative_to(self.warm_home)) for p in self.warm_home.rglob("*") if p.is_file()][:3]
        seen = "cache seen: " + ", ".join(found) if found else "no cache files seen"
        m["warm"].note = "; ".join(x for x in (m["warm"].note, seen) if x)

    def findings(self) -> None:
        """Cold and warm validate, text and JSON, where every file has findings, against check-jsonschema there."""
        self._say("check-jsonschema and tthc validate on the first import (findings in every file)")
        m, base = self.result.measures, self.base
        files = sorted(p.relative_to(self.firsts).as_posix() for p in (self.firsts / "procedures").rglob("*.yaml"))
        m["cjs_findings"] = _check_jsonschema(
            self.runner, self.cjs_command, self.schema, files, self.firsts, self.repeat, self.long)
        home = base / "home-findings"
        for suffix, extra in (("", []), ("_json", ["-f", "json"])):
            validate = [*self.tthc, "validate", *extra, str(self.firsts)]
            m["cold" + "_findings" + suffix] = measure(self.runner, validate, self.repeat, self.long, cwd=base,
                                                       env=self.fresh_env)
            self.runner.run(validate, base, _env(home))  # primes the cache
            m["warm" + "_findings" + suffix] = measure(self.runner, validate, self.repeat, self.long, cwd=base,
                                                       env=lambda _: _env(home))

    def _portal(self, n: int) -> Path:
        """``n`` portal records (``records.json``) and a catalogue ready to import them (``catalogue``), in a new folder."""
        portal = self.base / "portal"
        shutil.rmtree(portal, ignore_errors=True)
        subprocess.run([sys.executable, str(HERE / "portal_records.py"), "--records", str(self.records),
                        "-n", str(n), "--out", str(portal)],
                       check=True, stdout=subprocess.DEVNULL, env=_base_env())
        return portal

    def _against_validate(self, key: str, cold: str, cmd: list[str], n: int, catalogue: Path,
                          before: Callable[[int], None] | None = None) -> None:
        """``cmd`` on ``n`` portal records, then a cold validate of the catalogue it leaves, each in a fresh home."""
        m = self.result.measures
        m[key] = measure(self.runner, cmd, self.repeat, self.long, cwd=self.base, env=self.fresh_env, before=before)
        m[key].note = "; ".join(x for x in (m[key].note, f"{n:,} records") if x)
        m[cold] = measure(self.runner, [*self.tthc, "validate", str(catalogue)], self.repeat, self.long,
                          cwd=self.base, env=self.fresh_env)

    def import_(self) -> None:
        """``tthc import`` of portal records into a new catalogue, each run on a fresh copy; then a cold validate of it."""
        m = self.result.measures
        if not self.records.is_file():
            m["import"] = m["cold_imported"] = Measure(skipped=f"no portal records at {self.records}")
            return
        self._say(f"tthc import of {self.import_records:,} portal records")
        portal = self._portal(self.import_records)
        pristine, target = portal / "catalogue", portal / "imported"

        def fresh(_: int) -> None:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(pristine, target)

        self._against_validate("import", "cold_imported", [*self.tthc, "import", str(portal / "records.json"), "-C",
                               str(target)], self.import_records, target, before=fresh)
        shutil.rmtree(portal, ignore_errors=True)

    def upstream(self) -> None:
        """``tthc upstream`` of portal records against the catalogue imported from them, every procedure shared; then a cold validate of it."""
        m, base = self.result.measures, self.base
        if not self.records.is_file():
            m["upstream"] = m["cold_upstream"] = Measure(skipped=f"no portal records at {self.records}")
            return
        self._say(f"tthc upstream of {self.upstream_records:,} portal records against the catalogue imported from them")
        portal = self._portal(self.upstream_records)
        catalogue, records = portal / "catalogue", str(portal / "records.json")
        self.runner.run([*self.tthc, "import", records, "-C", str(catalogue)], base, self.fresh_env())
        self._against_validate("upstream", "cold_upstream", [*self.tthc, "upstream", records, "-C", str(catalogue)],
                               self.upstream_records, catalogue)
        shutil.rmtree(portal, ignore_errors=True)

    def diff(self) -> None:
        self._say("tthc diff")
        self.result.measures["diff"] = measure(
            self.runner, [*self.tthc, "diff", str(self.rev1), str(self.rev2)], self.repeat, self.long,
            cwd=self.base, env=self.fresh_env)

    def build(self) -> None:
        self._say("tthc build (cold, then after validate)")
        m, out = self.result.measures, self.base / "build"
        build = [*self.tthc, "build", str(self.rev1), "-o", str(out)]
        m["build"] = measure(self.runner, build, self.repeat, self.long, cwd=self.base, env=self.fresh_env,
                             before=lambda _: shutil.rmtree(out, ignore_errors=True))
        self.runner.run(self.validate_cmd, self.base, self.warm_env())  # as in CI: validate, then build from what it kept
        m["build_warm"] = measure(self.runner, build, self.repeat, self.long, cwd=self.base, env=self.warm_env,
                                  before=lambda _: shutil.rmtree(out, ignore_errors=True))
        shutil.rmtree(out, ignore_errors=True)
        self.forget_caches()

    def bare(self) -> None:
        self._say("the bare render")
        self.result.measures["bare"] = _bare(self.runner, self.rev1, self.base, self.repeat, self.long)


SOURCE: Path | None = None
"""With --rev, the exported tthc source that every child imports (PYTHONPATH)."""


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    if SOURCE is not None:
        env["PYTHONPATH"] = os.pathsep.join(x for x in (str(SOURCE), env.get("PYTHONPATH", "")) if x)
    return env


def _env(home: Path) -> dict[str, str]:
    env = _base_env()
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), TTHC_CACHE_DIR=str(home / "tthc-cache"),
               NO_COLOR="1", CI="1")
    return env


def _check_jsonschema(
    runner: Runner, cjs: list[str], schema: Path, files: list[str], cwd: Path, repeat: int, long: float
) -> Measure:
    batches: list[list[str]] = [[]]
    used = 0
    for name in files:
        if used + len(name) + 1 > ARG_BYTES and batches[-1]:
            batches.append([])
            used = 0
        batches[-1].append(name)
        used += len(name) + 1
    result = Measure()
    for k in range(repeat):
        parts = [runner.run([*cjs, "--schemafile", str(schema), *batch], cwd) for batch in batches]
        result.samples.append(Sample(sum(p.wall for p in parts), sum(p.cpu for p in parts),
                                     max(p.rss_mb for p in parts), max(p.exit for p in parts)))
        if k == 0 and repeat > 1 and result.samples[0].wall > long:
            result.note = f"1 run (first took > {long:g} s)"
            break
    if len(batches) > 1:
        result.note = (result.note + "; " if result.note else "") + f"{len(batches)} calls (argument list limit)"
    if {s.exit for s in result.samples} != {0}:
        exits = f"exit {sorted({s.exit for s in result.samples})}"
        result.note = f"{result.note}; {exits}" if result.note else exits
    return result


def _bare(runner: Runner, root: Path, cwd: Path, repeat: int, long: float) -> Measure:
    report = cwd / "bare.json"
    report.unlink(missing_ok=True)
    cmd = [sys.executable, str(HERE / "bare_render.py"), str(root), "--repeat", str(repeat), "--long", str(long),
           "--fast-load", "--one-qr", "--output", str(report)]
    sample = runner.run(cmd, cwd, _base_env())
    result = Measure()
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        result.skipped = f"bare_render.py failed (exit {sample.exit})"
        return result
    if "skipped" in data:
        result.skipped = data["skipped"]
        return result
    runs = data["render_runs"]
    result.samples = [Sample(t, t, sample.rss_mb, 0) for t in runs]
    result.extra = {k: data[k] for k in ("views_seconds", "pages", "mb", "load_seconds")}
    if len(runs) < repeat:
        result.note = f"{len(runs)} run (first took > {long:g} s)"
    return result


def bench_help(runner: Runner, tthc: list[str]) -> Measure:
    result = Measure()
    for _ in range(5):
        result.samples.append(runner.run([*tthc, "--help"], runner.work, _base_env()))
    return result


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _ratio(a: Measure, b: Measure, cpu: bool = False) -> float | None:
    if not (a.ok and b.ok):
        return None
    num, den = (a.cpu, b.cpu) if cpu else (a.wall, b.wall)
    return num / den if den else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _met(value: float | None, target: float) -> str:
    if value is None:
        return "–"
    return "yes" if value <= target else "**no**"


def report(results: list[SizeResult], help_: Measure, meta: dict[str, str]) -> str:
    lines = [f"# tthc benchmark, {meta['date']}", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items() if k != "date"]
    ref = next((r for r in results if r.size == 10_000), results[-1])
    m = ref.measures
    lines += ["", f"## Ratios at {ref.size:,} procedures (targets from issue 6)", "",
              "Wall ratio is the target's measure; CPU ratio (user+system of the child) is less "
              "sensitive to other load on the machine.", "",
              "| measure | target | wall ratio | CPU ratio | met (wall) |", "|---|---:|---:|---:|---|"]
    rows = [
        ("cold validate / check-jsonschema", "cold", "cjs", TARGETS["cold_clean"]),
        ("warm validate / check-jsonschema", "warm", "cjs", TARGETS["warm"]),
        ("one file changed / check-jsonschema", "changed", "cjs", TARGETS["changed"]),
        ("diff of two revisions / cold validate", "diff", "cold", TARGETS["diff"]),
        ("build (sheets + site) / bare Jinja2 render", "build", "bare", TARGETS["build"]),
        ("build after validate, warm cache / bare Jinja2 render (info)", "build_warm", "bare", None),
        ("first import: cold validate / check-jsonschema", "cold_findings", "cjs_findings", TARGETS["cold"]),
        ("first import: cold validate -f json / check-jsonschema", "cold_findings_json", "cjs_findings",
         TARGETS["cold"]),
        ("first import: warm validate / check-jsonschema", "warm_findings", "cjs_findings", TARGETS["warm"]),
        ("first import: warm validate -f json / check-jsonschema", "warm_findings_json", "cjs_findings",
         TARGETS["warm"]),
        ("import of portal records / cold validate of what it wrote", "import", "cold_imported", TARGETS["import"]),
        ("upstream, records against the catalogue imported from them / cold validate of it", "upstream",
         "cold_upstream", TARGETS["upstream"]),
    ]
    for label, a, b, target in rows:
        wall, cpu = _ratio(m[a], m[b]), _ratio(m[a], m[b], cpu=True)
        if b == "bare":
            cpu = None  # the bare render is timed inside its process: no CPU time of its own
        skipped = m[a].skipped or m[b].skipped
        verdict = "skipped: " + skipped if skipped else "–" if target is None else _met(wall, target)
        lines.append(f"| {label} | {'–' if target is None else f'≤ {target:g}'} | {_fmt(wall)} | {_fmt(cpu)} | "
                     f"{verdict} |")
    peak = _tthc_peak(m)
    lines.append(f"| peak memory, any tthc command at {ref.size:,} | ≤ 1 GB | {peak:.0f} MB | | "
                 f"{_met(peak, TARGETS['memory_mb'])} |")
    lines.append(f"| `tthc --help` (median of 5) | ≤ 0.3 s | {help_.wall:.2f} s | {help_.cpu:.2f} s | "
                 f"{_met(help_.wall, TARGETS['help'])} |")
    for r in results:
        if r.size >= 50_000:
            peak = _tthc_peak(r.measures)
            lines.append(f"| peak memory, any tthc command at {r.size:,} | ≤ 2 GB | {peak:.0f} MB | | "
                         f"{_met(peak, TARGETS['memory_50k_mb'])} |")
    if len(results) > 1:
        small, big = results[-2], results[-1]
        factor = big.size / small.size
        worst = max((big.measures[k].wall / small.measures[k].wall, k) for k in LABELS
                    if big.measures[k].ok and small.measures[k].ok)
        target = TARGETS["scaling_50k"] * factor / 5
        lines.append(f"| {big.size:,} time / {small.size:,} time, worst command ({worst[1]}) | ≤ {target:g} "
                     f"({TARGETS['scaling_50k'] / 5:.2f}× linear) | {worst[0]:.2f} | | {_met(worst[0], target)} |")

    lines += ["", "## Seconds (median; wall / CPU)", "",
              "| command | " + " | ".join(f"{r.size:,}" for r in results) + " | runs, notes |",
              "|---|" + "---:|" * len(results) + "---|"]
    for key, label in LABELS.items():
        cells = []
        for r in results:
            x = r.measures[key]
            cells.append("skipped" if x.skipped else f"{x.wall:.2f} / {x.cpu:.2f}" if key != "bare" else f"{x.wall:.2f}")
        notes = "; ".join(dict.fromkeys(
            f"{r.size:,}: {r.measures[key].note or r.measures[key].skipped}" for r in results
            if r.measures[key].note or r.measures[key].skipped))
        runs = "/".join(str(len(r.measures[key].samples)) for r in results)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {runs}{'; ' + notes if notes else ''} |")
    lines.append("| catalogue size (MB of YAML) | " + " | ".join(f"{r.files_mb:.0f}" for r in results) + " | |")
    lines.append("| generating both revisions (info) | " + " | ".join(f"{r.generate_seconds:.1f}" for r in results) + " | |")
    for r in results:
        extra = r.measures["bare"].extra
        if extra:
            lines.append(f"| bare render set-up at {r.size:,} (info): views {extra['views_seconds']:.1f} s, "
                         f"{extra['pages']:.0f} pages, {extra['mb']:.0f} MB of HTML |" + " |" * len(results))

    lines += ["", "## Peak memory (max RSS, MB)", "",
              "| command | " + " | ".join(f"{r.size:,}" for r in results) + " |",
              "|---|" + "---:|" * len(results)]
    for key, label in LABELS.items():
        lines.append(f"| {label} | " + " | ".join(
            "–" if not r.measures[key].ok else f"{r.measures[key].rss_mb:.0f}" for r in results) + " |")

    if len(results) > 1:
        pairs = list(itertools.pairwise(results))
        lines += ["", "## Scaling (wall time ratio between consecutive sizes)", "",
                  "Each command ran at every size before the next command. The last column of each pair divides "
                  "by check-jsonschema's own ratio, whose work per file is the same at every size: above 1, the "
                  "command grows faster than the machine's own drift explains.", "",
                  "| command | " + " | ".join(f"{a.size:,}→{b.size:,} | ÷ check-jsonschema's" for a, b in pairs)
                  + " |", "|---|" + "---:|---:|" * len(pairs)]
        for key, label in LABELS.items():
            cells = []
            for a, b in pairs:
                x, y = a.measures[key], b.measures[key]
                base = _ratio(b.measures["cjs"], a.measures["cjs"])
                if x.ok and y.ok:
                    ratio = y.wall / x.wall
                    cells.append(f"{ratio:.2f} ({ratio / (b.size / a.size):.2f}× linear)")
                    cells.append(_fmt(ratio / base) if base else "–")
                else:
                    cells += ["–", "–"]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="also 50,000 procedures")
    parser.add_argument("--sizes", type=int, nargs="+", help="sizes to measure (default 1000 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the median is kept (3)")
    parser.add_argument("--long", type=float, default=60.0, help="run once a command whose first run takes longer (60 s)")
    parser.add_argument("--seed", default="1", help="generator seed (1)")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated catalogues")
    parser.add_argument("--output", type=Path, default=HERE / "results-latest.md", help="also write the report here")
    parser.add_argument("--rev", help="measure tthc as committed at this git revision (default: the working tree)")
    parser.add_argument("--steps", nargs="+", choices=[s.rstrip("_") for s in SizeBench.STEPS],
                        help="measure only these (default: all)")
    parser.add_argument("--import-records", type=int, default=1000,
                        help="portal records imported at each size (at most the size; 1000)")
    parser.add_argument("--upstream-records", type=int, default=10_000,
                        help="portal records compared by tthc upstream at each size (at most the size; 10000)")
    parser.add_argument("--records", type=Path, default=REPO.parent / "shared" / "data" / "real-procedures" / "records.json",
                        help="the real portal records (default: shared/data beside the checkout)")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes or ([1000, 10000, 50000] if args.full else [1000, 10000]))

    global SOURCE
    cjs = ensure_check_jsonschema()
    tthc = tthc_command()
    work = Path(tempfile.mkdtemp(prefix="tthc-bench-", dir=args.workdir))
    if args.rev:
        SOURCE = export_revision(args.rev, work / "src")
        tthc = [sys.executable, "-m", "tthc"]
    runner = Runner(work)
    started = time.perf_counter()
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "benchmarks/run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "load average at start (1/5/15 min)": load_average(),
        "tthc": f"commit {git_state(args.rev)}",
        "check-jsonschema": _version(cjs),
        "YAML loader (both)": yaml_loader(),
        "python": platform.python_version(),
        "measured with": runner.how,
    }
    try:
        schema = work / "procedure.schema.json"
        schema.write_text(subprocess.run([*tthc, "schema", "procedure"], capture_output=True, text=True,
                                         check=True, env=_base_env()).stdout, "utf-8")
        help_ = bench_help(runner, tthc)
        benches = [SizeBench(n, work, runner, args, tthc, cjs, schema) for n in sizes]
        for step in SizeBench.STEPS:
            for bench in benches:
                if step.rstrip("_") in bench.steps:
                    getattr(bench, step)()
        results = [bench.result for bench in benches]
        for result in results:
            for key in LABELS:
                result.measures.setdefault(key, Measure(skipped="not run (--steps)"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"Kept {work}", file=sys.stderr)
    meta["load average at end"] = load_average()
    meta["whole run"] = f"{(time.perf_counter() - started) / 60:.1f} min"
    text = report(results, help_, meta)
    print(text)
    args.output.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
