#!/usr/bin/env python3
"""How well do two measurement files of the same points agree?

The agreement of a run with itself is the floor under any latency model: a prediction cannot match both runs
closer than they match each other. Prints, per model and phase, the MAPE of run B against run A (median of each
point's timings, as `flopscope evaluate` uses) over the points both files hold.

usage: tools/compare-runs.py RUN_A.jsonl RUN_B.jsonl
"""
import json
import statistics
import sys


def load(path):
    points = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            m = json.loads(line)
            key = (m["model"], m["phase"], m["batch"], m["seq_len"], m["cache_len"])
            points[key] = statistics.median(m["timings_s"])
    return points


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    a, b = load(argv[1]), load(argv[2])
    common = sorted(k for k in a if k in b)
    if not common:
        sys.exit("compare-runs: the two files share no point (model, phase, batch, seq_len, cache_len)")
    print("model      phase    points   MAPE(B vs A)   max |diff|")
    for model, phase in sorted({(k[0], k[1]) for k in common}):
        errs = [abs(b[k] / a[k] - 1) for k in common if k[0] == model and k[1] == phase]
        print(f"{model:10s} {phase:8s} {len(errs):6d}   {100 * sum(errs) / len(errs):11.1f}%   {100 * max(errs):9.0f}%")


if __name__ == "__main__":
    main(sys.argv)
