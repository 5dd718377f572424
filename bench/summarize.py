#!/usr/bin/env python3
"""Turns bench/run.sh's raw results.tsv into the Markdown tables of RESULTS.md.

Input columns: rep system size rps p50_ms p99_ms requests cpu_us_per_req bad
(`bad` counts non-2xx responses and socket errors; a run with any is flagged).
"""

import csv
import statistics
import sys

LABELS = {
    "origin": "origin direct (harness ceiling)",
    "nginx-proxy": "nginx proxy",
    "nginx-proxy-log": "nginx proxy + JSON access log",
    "centinela": "centinela (1 worker, access log to file, metrics on)",
}
PEERS = ["nginx-proxy", "nginx-proxy-log"]


def spread(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    mid = statistics.median(values)
    if len(values) == 1:
        return fmt.format(mid)
    return f"{fmt.format(mid)} ({fmt.format(min(values))}..{fmt.format(max(values))})"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN: the run failed


def main(path):
    runs = {}
    order_systems, order_sizes = [], []
    with open(path) as tsv:
        for row in csv.DictReader(tsv, delimiter="\t"):
            key = (row["system"], row["size"])
            if row["system"] not in order_systems:
                order_systems.append(row["system"])
            if row["size"] not in order_sizes:
                order_sizes.append(row["size"])
            runs.setdefault(key, []).append(row)

    print("| system | size | req/s | p50 ms | p99 ms | µs CPU / req (core 0) | runs |")
    print("|---|---|---|---|---|---|---|")
    for system in order_systems:
        for size in order_sizes:
            rows = runs.get((system, size), [])
            if not rows:
                continue
            bad = sum(int(r["bad"]) for r in rows if r["bad"].isdigit())
            note = f"{len(rows)}" + (f" ⚠ {bad} errors/non-2xx" if bad else "")
            cpu = spread([number(r["cpu_us_per_req"]) for r in rows], "{:.1f}")
            if system == "origin":
                cpu = "– (on core 1)"
            print(
                f"| {LABELS.get(system, system)} | /{size} "
                f"| {spread([number(r['rps']) for r in rows], '{:,.0f}')} "
                f"| {spread([number(r['p50_ms']) for r in rows], '{:.2f}')} "
                f"| {spread([number(r['p99_ms']) for r in rows], '{:.2f}')} "
                f"| {cpu} | {note} |"
            )

    if "centinela" not in order_systems:
        print("\nNo centinela runs: ratios not computed.")
        return
    print("\nRatios of medians, centinela ÷ peer (req/s > 1 is better, p99 < 1 is better,")
    print("efficiency = peer µs/req ÷ centinela µs/req, > 1 is better):\n")
    print("| peer | size | req/s ratio | p99 ratio | efficiency |")
    print("|---|---|---|---|---|")
    for peer in PEERS:
        for size in order_sizes:
            ours, theirs = runs.get(("centinela", size)), runs.get((peer, size))
            if not ours or not theirs:
                continue

            def ratio(column, invert=False):
                a = median([number(r[column]) for r in ours])
                b = median([number(r[column]) for r in theirs])
                if not a or not b:
                    return "–"
                return f"{(b / a if invert else a / b):.2f}"

            print(
                f"| {peer} | /{size} | {ratio('rps')} | {ratio('p99_ms')} "
                f"| {ratio('cpu_us_per_req', invert=True)} |"
            )


if __name__ == "__main__":
    main(sys.argv[1])
