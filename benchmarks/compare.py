#!/usr/bin/env python3
"""Before and after a change, on a catalogue with findings in every file, runs alternating.

    python benchmarks/compare.py --before REV [--after REV] [--sizes 2000 5000] [--rounds 3]

On a machine shared with other work, two benchmark runs an hour apart
measure the neighbours as much as the change. Here each round runs, at each
size, check-jsonschema once and every command once with the code before and
once with the code after (in alternating order), so that both sides see the
same machine; the report gives medians over the rounds and each side's ratio
to check-jsonschema on the same files (the targets of ``benchmarks/run``).
The catalogue is ``generate.py --findings`` (a first import). ``--after``
defaults to the working tree. Report on stdout, markdown.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import benchmark as B

COMMANDS = {
    "cold": ([], True),
    "cold -f json": (["-f", "json"], True),
    "warm": ([], False),
    "warm -f json": (["-f", "json"], False),
}
"""Label → (extra arguments of ``tthc validate``, cold)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git revision before the change")
    parser.add_argument("--after", help="git revision after the change (default: the working tree)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--output", type=Path, help="also write the report here, after every round")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tthc-compare-"))
    sides = {"before": B.export_revision(args.before, work / "before")}
    sides["after"] = B.export_revision(args.after, work / "after") if args.after else B.REPO
    runner = B.Runner(work)
    cjs = B.ensure_check_jsonschema()
    schema = work / "procedure.schema.json"
    schema.write_text(subprocess.run([sys.executable, "-m", "tthc", "schema", "procedure"], capture_output=True,
                                     text=True, check=True, cwd=work, env=_env(sides["after"], work / "h")).stdout)
    samples: dict[tuple[int, str, str], list[B.Sample]] = {}
    roots = {}
    for size in args.sizes:
        roots[size] = work / f"n{size}"
        subprocess.run([sys.executable, str(B.HERE / "generate.py"), "-n", str(size), "--out", str(roots[size]),
                        "--findings", "--seed", args.seed], check=True, stdout=subprocess.DEVNULL)
    count = 0
    for k in range(args.rounds):
        for size, root in roots.items():
            print(f"round {k + 1}, {size:,}", file=sys.stderr)
            files = sorted(p.relative_to(root).as_posix() for p in (root / "procedures").rglob("*.yaml"))
            m = B._check_jsonschema(runner, cjs, schema, files, root, 1, 1e9)
            samples.setdefault((size, "", "check-jsonschema"), []).extend(m.samples)
            order = ("before", "after") if k % 2 == 0 else ("after", "before")
            for side in order:
                warm_home = work / f"warm-{side}-{size}"
                for label, (extra, cold) in COMMANDS.items():
                    cmd = [sys.executable, "-m", "tthc", "validate", *extra, str(root)]
                    if cold:
                        count += 1
                        home = work / f"cold-{count}"
                    else:
                        home = warm_home
                        if not home.exists():
                            runner.run(cmd, work, _env(sides[side], home))  # primes the cache
                    samples.setdefault((size, side, label), []).append(runner.run(cmd, work, _env(sides[side], home)))
        if args.output:  # what the rounds so far give, should a long run be cut short
            args.output.write_text(report(samples, args, B.machine(), B.load_average(), k + 1) + "\n", "utf-8")
    print(report(samples, args, B.machine(), B.load_average(), args.rounds))
    return 0


def _env(source: Path, home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = B._env(home)
    env["PYTHONPATH"] = str(source)
    return env


def report(samples: dict[tuple[int, str, str], list[B.Sample]], args: argparse.Namespace, machine: str,
           load: str, rounds: int) -> str:
    after = args.after or "working tree"
    lines = [f"`benchmarks/compare.py --before {args.before}` (after: {after}), {rounds} rounds, "
             f"{machine}, load average at end {load}.", "",
             "| size | command | before: wall s (CPU s) | after: wall s (CPU s) | before / check-jsonschema, wall (CPU) "
             "| after / check-jsonschema, wall (CPU) |", "|---:|---|---:|---:|---:|---:|"]
    for size in args.sizes:
        base = samples[(size, "", "check-jsonschema")]
        bw, bc = statistics.median(s.wall for s in base), statistics.median(s.cpu for s in base)
        lines.append(f"| {size:,} | check-jsonschema | {bw:.2f} ({bc:.2f}) | | | |")
        for label in COMMANDS:
            cells, ratios = [], []
            for side in ("before", "after"):
                got = samples[(size, side, label)]
                wall, cpu = statistics.median(s.wall for s in got), statistics.median(s.cpu for s in got)
                cells.append(f"{wall:.2f} ({cpu:.2f})")
                ratios.append(f"{wall / bw:.3f} ({cpu / bc:.3f})")
            lines.append(f"| {size:,} | validate {label} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
