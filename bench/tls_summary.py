#!/usr/bin/env python3
"""Turns bench/tls.sh's results.tsv and failures.tsv into the tables of RESULTS.md.

results.tsv has run.sh's columns plus mean_ms (h2load gives no percentiles) and
handshakes_per_req (centinela's centinela_tls_handshakes_total over the requests: 1.0 when
every request made a full handshake). Issue 16's targets: CPU per request ≤ nginx's over
HTTPS (pass-through and hits), ≤ 0.8× nginx's over h2, handshakes per second ≥ nginx's.
"""

import csv
import sys

from summarize import Runs, measured, number, spread

LABELS = {
    "nginx-https": "nginx, HTTPS pass-through",
    "centinela-https": "centinela, HTTPS pass-through",
    "nginx-https-cache": "nginx, HTTPS cache hit",
    "centinela-https-cache": "centinela, HTTPS cache hit",
    "nginx-h2": "nginx, h2 pass-through",
    "centinela-h2": "centinela, h2 pass-through",
    "nginx-h2-cache": "nginx, h2 cache hit",
    "centinela-h2-cache": "centinela, h2 cache hit",
    "nginx-hs-ecdsa": "nginx, full handshakes, ECDSA P-256",
    "centinela-hs-ecdsa": "centinela, full handshakes, ECDSA P-256",
    "nginx-hs-rsa": "nginx, full handshakes, RSA 2048",
    "centinela-hs-rsa": "centinela, full handshakes, RSA 2048",
    # CENTINELA_BIN_B's twins (an A/B run)
    "centinelab-https": "centinela B, HTTPS pass-through",
    "centinelab-https-cache": "centinela B, HTTPS cache hit",
    "centinelab-h2": "centinela B, h2 pass-through",
    "centinelab-h2-cache": "centinela B, h2 cache hit",
}
# (ours, theirs, what is compared, target, note): "cpu" targets ours ÷ theirs ≤ target on
# CPU per request; "rps" targets ours ÷ theirs ≥ target on requests (handshakes) per second.
COMPARISONS = [
    ("centinela-https", "nginx-https", "cpu", 1.0, "HTTPS pass-through"),
    ("centinela-https-cache", "nginx-https-cache", "cpu", 1.0, "HTTPS cache hit"),
    ("centinela-h2", "nginx-h2", "cpu", 0.8, "h2 pass-through"),
    ("centinela-h2-cache", "nginx-h2-cache", "cpu", 0.8, "h2 cache hit"),
    ("centinela-hs-ecdsa", "nginx-hs-ecdsa", "rps", 1.0, "handshakes/s, ECDSA P-256"),
    ("centinela-hs-rsa", "nginx-hs-rsa", "rps", 1.0, "handshakes/s, RSA 2048"),
    ("centinelab-https", "nginx-https", "cpu", 1.0, "B: HTTPS pass-through"),
    ("centinelab-https-cache", "nginx-https-cache", "cpu", 1.0, "B: HTTPS cache hit"),
    ("centinelab-h2", "nginx-h2", "cpu", 0.8, "B: h2 pass-through"),
    ("centinelab-h2-cache", "nginx-h2-cache", "cpu", 0.8, "B: h2 cache hit"),
    ("centinelab-h2", "centinela-h2", "cpu", None, "A/B: B ÷ A, h2 pass-through"),
    ("centinelab-https", "centinela-https", "cpu", None, "A/B: B ÷ A, HTTPS pass-through"),
    ("centinelab-h2-cache", "centinela-h2-cache", "cpu", None, "A/B: B ÷ A, h2 cache hit"),
    ("centinelab-https-cache", "centinela-https-cache", "cpu", None, "A/B: B ÷ A, HTTPS cache hit"),
    ("nginx-h2", "nginx-https", "cpu", None, "for reference: nginx h2 ÷ nginx HTTPS"),
    ("nginx-h2-cache", "nginx-https-cache", "cpu", None, "for reference: nginx h2 hit ÷ HTTPS hit"),
]


def failures(path):
    with open(path) as tsv:
        return {row["system"]: row["reason"] for row in csv.DictReader(tsv, delimiter="\t")}


def table(runs, failed):
    print("| system | size | req/s (handshakes/s) | p50 ms | p99 ms | mean ms "
          "| µs CPU / req, core 0 | µs CPU / req, own | handshakes / req | runs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for system, size, rows, note in measured(runs):
        def col(name, fmt):
            return spread([number(r.get(name)) for r in rows], fmt)

        print(f"| {LABELS.get(system, system)} | /{size} | {col('rps', '{:,.0f}')} "
              f"| {col('p50_ms', '{:.2f}')} | {col('p99_ms', '{:.2f}')} | {col('mean_ms', '{:.2f}')} "
              f"| {col('cpu_us_per_req', '{:.1f}')} | {col('sut_cpu_us_per_req', '{:.1f}')} "
              f"| {col('handshakes_per_req', '{:.3f}')} | {note} |")
    for system, reason in failed.items():
        print(f"| {LABELS.get(system, system)} | – | **failed**: {reason} | | | | | | | 0 |")


def ratio(runs, ours, theirs, size, column):
    a, b = runs.median_of(ours, size, column), runs.median_of(theirs, size, column)
    return a / b if a and b else None


def targets(runs, failed):
    print("\nRatios of medians, A ÷ B (CPU: < 1 is better, core 0's busy time and the system's")
    print("own; req/s: > 1 is better). Issue 16: CPU ≤ 1.0 over HTTPS, ≤ 0.8 over h2,")
    print("handshakes/s ≥ 1.0:\n")
    print("| A ÷ B | what | size | CPU, core 0 | CPU, own | req/s | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for ours, theirs, kind, target, note in COMPARISONS:
        known = set(runs.systems) | set(failed)
        if ours not in known or theirs not in known:
            continue  # not both in this run
        if ours in failed or theirs in failed:
            why = ours if ours in failed else theirs
            goal = "–" if target is None else f"{'CPU ≤' if kind == 'cpu' else 'req/s ≥'} {target:.1f}"
            print(f"| {ours} ÷ {theirs} | {note} | – | – | – | – | {goal} | no: {why} failed |")
            continue
        sizes = [s for s in runs.sizes if runs.rows.get((theirs, s)) and runs.rows.get((ours, s))]
        for size in sizes:
            cpu = ratio(runs, ours, theirs, size, "cpu_us_per_req")
            own = ratio(runs, ours, theirs, size, "sut_cpu_us_per_req")
            rps = ratio(runs, ours, theirs, size, "rps")
            if target is None:
                goal, met = "–", "–"
            elif kind == "cpu":
                goal = f"CPU ≤ {target:.1f}"
                met = "–" if cpu is None else ("yes" if cpu <= target else "no")
                if cpu is not None and own is not None and (cpu <= target) != (own <= target):
                    met += " (own CPU: " + ("yes" if own <= target else "no") + ")"
            else:
                goal = f"req/s ≥ {target:.1f}"
                met = "–" if rps is None else ("yes" if rps >= target else "no")
            shown = ["–" if v is None else f"{v:.3f}" for v in (cpu, own, rps)]
            print(f"| {ours} ÷ {theirs} | {note} | /{size} | {' | '.join(shown)} | {goal} | {met} |")


def main(results, failures_path):
    runs = Runs(results)
    failed = failures(failures_path)
    table(runs, failed)
    targets(runs, failed)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
