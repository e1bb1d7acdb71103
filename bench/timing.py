#!/usr/bin/env python3
"""Helpers for bench/validate.sh.

  timing.py loop WARMUP RUNS OUT.json NAME=COMMAND...
      Times each command (split on spaces, stdout and stderr to /dev/null) WARMUP + RUNS times,
      when hyperfine is not installed; writes OUT.json in hyperfine's --export-json shape
      (results: command, mean, stddev, user, system, times; seconds).

  timing.py summarize BASELINE ROUND.json...
      Prints, for every command in the rounds (baseline last): the median over rounds of the mean
      wall time, the range of the round means and the median CPU time (user + sys), all in ms,
      then the median over rounds of each command's mean / the baseline's mean.
"""

import json
import resource
import statistics
import subprocess
import sys
import time


def loop(warmup, runs, out, specs):
    results = []
    for spec in specs:
        name, command = spec.split("=", 1)
        times, user, system = [], 0.0, 0.0
        for i in range(warmup + runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= warmup:
                times.append(elapsed)
                user += after.ru_utime - before.ru_utime
                system += after.ru_stime - before.ru_stime
        results.append({
            "command": name, "mean": statistics.mean(times), "stddev": statistics.pstdev(times),
            "user": user / runs, "system": system / runs, "times": times,
        })
    with open(out, "w") as f:
        json.dump({"results": results}, f)


def summarize(baseline, paths):
    rounds = []
    for path in paths:
        with open(path) as f:
            rounds.append({r["command"]: r for r in json.load(f)["results"]})
    names = [n for n in rounds[0] if n != baseline] + [baseline]
    fields = []
    for name in names:
        means = [r[name]["mean"] * 1000 for r in rounds]
        cpu = statistics.median((r[name]["user"] + r[name]["system"]) * 1000 for r in rounds)
        fields += [f"{statistics.median(means):.1f}", f"{min(means):.1f}–{max(means):.1f}", f"{cpu:.1f}"]
    for name in names[:-1]:
        fields.append(f"{statistics.median(r[name]['mean'] / r[baseline]['mean'] for r in rounds):.2f}")
    print(*fields)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "loop":
        loop(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:])
    elif len(sys.argv) > 1 and sys.argv[1] == "summarize":
        summarize(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
