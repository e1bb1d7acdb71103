#!/usr/bin/env python3
"""PyYAML (libyaml) side of bench/yaml-throughput.sh.

  pyyaml_bench.py check FILE...              print the files CSafeLoader rejects, one per line
  pyyaml_bench.py parse [--seconds S] [--warmup N] FILE...

`parse` works like `ci-bench parse`: every file is read into memory first, then, after a
warm-up, whole passes of yaml.load(data, Loader=yaml.CSafeLoader) over all files run until at
least S seconds (default 2) have passed. Prints one JSON line with the same fields.
"""

import json
import sys
import time

import yaml


def die(message):
    print(f"pyyaml_bench: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if not argv or argv[0] not in ("check", "parse"):
        die(__doc__)
    if not yaml.__with_libyaml__ or not hasattr(yaml, "CSafeLoader"):
        die("PyYAML was built without libyaml (yaml.__with_libyaml__ is False); see bench/README.md")
    mode, rest = argv[0], argv[1:]
    seconds, warmup, paths = 2.0, 3, []
    i = 0
    while i < len(rest):
        if rest[i] == "--seconds":
            seconds, i = float(rest[i + 1]), i + 2
        elif rest[i] == "--warmup":
            warmup, i = int(rest[i + 1]), i + 2
        else:
            paths.append(rest[i])
            i += 1
    if not paths:
        die("no files")

    inputs = []
    for path in paths:
        with open(path, "rb") as f:
            inputs.append(f.read())

    loader = yaml.CSafeLoader
    if mode == "check":
        for path, data in zip(paths, inputs):
            try:
                yaml.load(data, Loader=loader)
            except yaml.YAMLError as error:
                print(path)
                print(f"pyyaml_bench: {path}: {' '.join(str(error).split())}", file=sys.stderr)
        return

    def one_pass():
        checksum = 0
        for data in inputs:
            checksum += 1 if yaml.load(data, Loader=loader) is None else 2
        return checksum

    checksum = 0
    for _ in range(warmup):
        checksum += one_pass()
    iterations = 0
    start = time.perf_counter()
    while True:
        checksum += one_pass()
        iterations += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break

    total = sum(len(data) for data in inputs)
    print(json.dumps({
        "mode": "pyyaml-csafeloader",
        "files": len(inputs),
        "bytes": total,
        "iterations": iterations,
        "seconds": elapsed,
        "mb_per_s": total * iterations / 1e6 / elapsed,
        "files_per_s": len(inputs) * iterations / elapsed,
        "checksum": checksum,
        "pyyaml": yaml.__version__,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
