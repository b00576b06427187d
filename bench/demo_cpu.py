"""CPU use of each program of a running ``make demo`` (prints a table; not a test).

    make demo                                  # in another terminal, wait for the banner
    uv run --frozen python bench/demo_cpu.py [--seconds 60] [--run-dir .run]

Reads the supervisor's ``<run-dir>/supervise.json`` (the programs' pids, as ``make
demo-status`` shows them), then samples user + system CPU time of each program and all its
descendant processes from ``/proc`` at the start and the end of the window. Prints, per
program, the share of one core it used (100 % = one core busy the whole time), next to the
machine's load average, so the figure can be judged against what else ran. Issue 16's target:
the medical service under 5 % of a core in the demo's idle-ish load (a handful of simulated
patients at one reading per second).

Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/<pid>/task/*/children)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.append(p)
            todo += children(p)
    return seen


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--run-dir", type=Path, default=Path(".run"))
    args = ap.parse_args(argv)
    try:
        state = json.loads((args.run_dir / "supervise.json").read_text())
    except FileNotFoundError:
        print(f"no {args.run_dir / 'supervise.json'}: start `make demo` first", file=sys.stderr)
        return 2
    programs = {n: int(i["pid"]) for n, i in state["programs"].items() if i.get("pid")}
    if not programs:
        print("no program of the demo is running", file=sys.stderr)
        return 2
    trees = {n: tree(p) for n, p in programs.items()}
    before = {n: sum(cpu_seconds(p) for p in ps) for n, ps in trees.items()}
    load0 = os.getloadavg()
    t0 = time.monotonic()
    time.sleep(args.seconds)
    wall = time.monotonic() - t0
    # Processes started during the window count from 0: include them too.
    after = {n: sum(cpu_seconds(p) for p in set(tree(programs[n])) | set(ps))
             for n, ps in trees.items()}
    load1 = os.getloadavg()
    print(f"window {wall:.0f} s; load average (1 min) {load0[0]:.2f} at the start, "
          f"{load1[0]:.2f} at the end; {os.cpu_count()} cores")
    print(f"{'program':<12}{'pid':>8}{'processes':>11}{'CPU s':>9}{'% of a core':>13}")
    for n, pid in programs.items():
        used = max(0.0, after[n] - before[n])
        print(f"{n:<12}{pid:>8}{len(trees[n]):>11}{used:>9.2f}{100 * used / wall:>12.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
