#!/usr/bin/env python3
"""Times whole commands, taken in turn (A, B, C, A, B, C, ...) so that all see the same machine load.

    tools/time_commands.py [-n RUNS] "COMMAND" ["COMMAND" ...]

Prints the best, median and mean wall time of each command in milliseconds. Output is discarded; a command that
fails is reported. Used for the start-up figures in docs/measurements.md, section 7.
"""
import argparse
import statistics
import subprocess
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--runs", type=int, default=25, help="runs of each command (default 25)")
    ap.add_argument("commands", nargs="+", help="shell command lines")
    args = ap.parse_args()
    times = {c: [] for c in args.commands}
    failed = set()
    for _ in range(args.runs):
        for c in args.commands:
            start = time.perf_counter()
            rc = subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            times[c].append((time.perf_counter() - start) * 1000)
            if rc != 0:
                failed.add(c)
    for c in args.commands:
        v = sorted(times[c])
        note = "  (exit status not 0)" if c in failed else ""
        print(f"best {v[0]:6.1f}  median {statistics.median(v):6.1f}  mean {statistics.mean(v):6.1f} ms  {c}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
