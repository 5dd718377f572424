#!/usr/bin/env python3
"""Turns bench/run.sh's raw results.tsv into the Markdown tables of RESULTS.md.

Input columns: rep system size rps p50_ms p99_ms requests cpu_us_per_req bad [load1]
(`bad` counts non-2xx responses and socket errors; a run with any is flagged; `load1` is the
1-minute load average as the run ended, absent in older files).
"""

import csv
import statistics
import sys

LABELS = {
    "origin": "origin direct (harness ceiling)",
    "nginx-proxy": "nginx proxy",
    "nginx-proxy-log": "nginx proxy + JSON access log",
    "nginx-limit-req": "nginx proxy + JSON log + limit_req (none rejected)",
    "centinela": "centinela (1 worker, access log to file, metrics on)",
    "centinela-nolive": "centinela, admin.live_stats: false (no dashboard series or sketches)",
    "centinela-limit": "centinela + 1 in-process rate-limit policy (none rejected)",
    "centinela-limit-redis": "centinela + 1 rate-limit policy in Redis (none rejected)",
    "nginx-cache": "nginx proxy_cache hit",
    "nginx-cache-gzip": "nginx proxy_cache hit + gzip (compresses every hit)",
    "varnish-hit": "Varnish hit (builtin VCL)",
    "centinela-cache": "centinela cache hit (access log to file)",
    "centinela-cache-nolog": "centinela cache hit (no access log)",
    "centinela-cache-gzip": "centinela cache hit, stored gzip variant (access log to file)",
}
# centinela against its peers (issue 2: req/s ≥ 1.0x, p99 no worse).
PEERS = ["nginx-proxy", "nginx-proxy-log"]
# Rate limiting (issue 4): (ours, baseline, target for req/s and efficiency or None, note).
LIMIT_COMPARISONS = [
    ("centinela-limit", "centinela", 0.97, "in-process policy ÷ no policy"),
    ("centinela-limit-redis", "centinela", 0.8, "Redis policy ÷ no policy"),
    ("centinela-limit", "nginx-limit-req", None, "centinela ÷ nginx, both limiting"),
    ("nginx-limit-req", "nginx-proxy-log", None, "for reference: what limit_req costs nginx"),
]

# Cache hits (issue 3): (ours, baseline, req/s target or None, note). A target also asks
# p99 no worse (ratio ≤ 1.0); the issue aims for 1.5x Varnish.
CACHE_COMPARISONS = [
    ("centinela-cache", "nginx-cache", 1.0, "hit ÷ nginx hit (centinela logs, nginx does not)"),
    ("centinela-cache", "varnish-hit", 1.0, "hit ÷ Varnish hit (aim 1.5)"),
    ("centinela-cache-nolog", "nginx-cache", 1.0, "hit ÷ nginx hit, neither logs"),
    ("centinela-cache-nolog", "varnish-hit", 1.0, "hit ÷ Varnish hit, neither logs (aim 1.5)"),
    ("centinela-cache-gzip", "nginx-cache-gzip", 1.0, "gzip hit ÷ nginx gzip hit"),
    ("centinela-cache-gzip", "centinela-cache", None, "gzip hit ÷ plain hit (≈ 1: no compression work)"),
    ("nginx-cache-gzip", "nginx-cache", None, "for reference: what gzip on hits costs nginx"),
    ("centinela-cache-nolog", "centinela-cache", None, "for reference: what the access log costs a hit"),
    ("centinela-cache", "centinela", None, "for reference: hit ÷ pass-through"),
]


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
    except (TypeError, ValueError):
        return None
    return value if value == value else None  # NaN: the run failed


class Runs:
    def __init__(self, path):
        self.rows = {}
        self.systems, self.sizes = [], []
        self.loads = []
        with open(path) as tsv:
            for row in csv.DictReader(tsv, delimiter="\t"):
                if row["system"] not in self.systems:
                    self.systems.append(row["system"])
                if row["size"] not in self.sizes:
                    self.sizes.append(row["size"])
                self.rows.setdefault((row["system"], row["size"]), []).append(row)
                load = number(row.get("load1"))
                if load is not None:
                    self.loads.append(load)

    def median_of(self, system, size, column):
        rows = self.rows.get((system, size))
        return median([number(r.get(column)) for r in rows]) if rows else None

    def ratios(self, ours, theirs, size):
        """(req/s ratio, p99 ratio, efficiency) of medians; None where a side is missing."""

        def ratio(column, invert=False):
            a, b = self.median_of(ours, size, column), self.median_of(theirs, size, column)
            if not a or not b:
                return None
            return b / a if invert else a / b

        return ratio("rps"), ratio("p99_ms"), ratio("cpu_us_per_req", invert=True)


def shown(value):
    return "–" if value is None else f"{value:.3f}"


def measured(runs):
    """(system, size, rows, note) for each system and size that has runs; the note
    counts them and flags errors."""
    for system in runs.systems:
        for size in runs.sizes:
            rows = runs.rows.get((system, size), [])
            if not rows:
                continue
            bad = sum(int(r["bad"]) for r in rows if r["bad"].isdigit())
            yield system, size, rows, f"{len(rows)}" + (f" ⚠ {bad} errors/non-2xx" if bad else "")


def table(runs):
    print("| system | size | req/s | p50 ms | p99 ms | µs CPU / req (core 0) | runs |")
    print("|---|---|---|---|---|---|---|")
    for system, size, rows, note in measured(runs):
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
    if runs.loads:
        print(
            f"\nLoad average (1 min) as each measurement ended: median {statistics.median(runs.loads):.2f}, "
            f"{min(runs.loads):.2f}..{max(runs.loads):.2f} (2 cores; the bench itself accounts for ~2)."
        )


def peer_table(runs):
    if "centinela" not in runs.systems or not any(p in runs.systems for p in PEERS):
        print("\nNo centinela and nginx proxy runs together: ratios against nginx not computed.")
        return
    print("\nRatios of medians, centinela ÷ peer (req/s > 1 is better, p99 < 1 is better,")
    print("efficiency = peer µs/req ÷ centinela µs/req, > 1 is better);")
    print("issue 2's target: req/s ≥ 1.0 and p99 ≤ 1.0:\n")
    print("| peer | size | req/s ratio | p99 ratio | efficiency | target met |")
    print("|---|---|---|---|---|---|")
    for peer in PEERS:
        for size in runs.sizes:
            if not runs.rows.get(("centinela", size)) or not runs.rows.get((peer, size)):
                continue
            rps, p99, efficiency = runs.ratios("centinela", peer, size)
            if rps is None or p99 is None:
                met = "–"
            else:
                misses = [what for what, ok in (("req/s", rps >= 1.0), ("p99", p99 <= 1.0)) if not ok]
                met = "yes" if not misses else "no (" + ", ".join(misses) + ")"
            print(f"| {peer} | /{size} | {shown(rps)} | {shown(p99)} | {shown(efficiency)} | {met} |")


def compared_pairs(runs, wanted):
    """(ours, theirs, target, note, size, rps, p99, efficiency) for each comparison
    both of whose systems ran at that size."""
    for ours, theirs, target, note in wanted:
        for size in runs.sizes:
            if not runs.rows.get((ours, size)) or not runs.rows.get((theirs, size)):
                continue
            yield (ours, theirs, target, note, size, *runs.ratios(ours, theirs, size))


def limit_table(runs):
    wanted = [c for c in LIMIT_COMPARISONS if c[0] in runs.systems and c[1] in runs.systems]
    if not wanted:
        return
    print("\nRate limiting, ratios of medians A ÷ B (req/s > 1 is better, p99 < 1 is better,")
    print("efficiency = B µs/req ÷ A µs/req, > 1 is better); issue 4's targets apply to req/s and")
    print("efficiency alike:\n")
    print("| A ÷ B | what | size | req/s ratio | p99 ratio | efficiency | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for ours, theirs, target, note, size, rps, p99, efficiency in compared_pairs(runs, wanted):
        if target is None:
            goal, met = "–", "–"
        else:
            goal = f"≥ {target:.2f}"
            checks = {"req/s": rps is not None and rps >= target,
                      "efficiency": efficiency is not None and efficiency >= target}
            met = ("yes" if all(checks.values()) else
                   "no" if not any(checks.values()) else
                   "only " + next(k for k, ok in checks.items() if ok))
        print(
            f"| {ours} ÷ {theirs} | {note} | /{size} | {shown(rps)} | {shown(p99)} "
            f"| {shown(efficiency)} | {goal} | {met} |"
        )


def cache_table(runs):
    wanted = [c for c in CACHE_COMPARISONS if c[0] in runs.systems and c[1] in runs.systems]
    if not wanted:
        return
    print("\nCache hits, ratios of medians A ÷ B (req/s > 1 is better, p99 < 1 is better,")
    print("efficiency = B µs/req ÷ A µs/req, > 1 is better); issue 3's target: req/s ≥ 1.0")
    print("and p99 ≤ 1.0 against nginx proxy_cache and Varnish:\n")
    print("| A ÷ B | what | size | req/s ratio | p99 ratio | efficiency | target met |")
    print("|---|---|---|---|---|---|---|")
    for ours, theirs, target, note, size, rps, p99, efficiency in compared_pairs(runs, wanted):
        if target is None:
            met = "–"
        elif rps is None or p99 is None:
            met = "–"
        else:
            misses = [what for what, ok in (("req/s", rps >= target), ("p99", p99 <= 1.0)) if not ok]
            met = "yes" if not misses else "no (" + ", ".join(misses) + ")"
        print(
            f"| {ours} ÷ {theirs} | {note} | /{size} | {shown(rps)} | {shown(p99)} "
            f"| {shown(efficiency)} | {met} |"
        )


def live_table(runs):
    """Issue 15: CPU per request with the dashboard's live statistics on ÷ off (≤ 1.03)."""
    on, off = "centinela", "centinela-nolive"
    if on not in runs.systems or off not in runs.systems:
        return
    print("\nDashboard live statistics (issue 15): CPU µs per request, on ÷ off — core 0's busy")
    print("time (the method's figure) and the gateway process's own user + system time (leaves out")
    print("other work on core 0); the ratio of the medians and within each repetition (target ≤ 1.03):\n")
    print("| size | CPU of | on µs/req | off µs/req | on ÷ off | per repetition | met |")
    print("|---|---|---|---|---|---|---|")
    for size in runs.sizes:
        for column, what in (("cpu_us_per_req", "core 0"), ("sut_cpu_us_per_req", "process")):
            a, b = runs.median_of(on, size, column), runs.median_of(off, size, column)
            if not a or not b:
                continue
            by_rep = {r["rep"]: number(r.get(column)) for r in runs.rows[(off, size)]}
            per_rep = []
            for r in runs.rows[(on, size)]:
                x, y = number(r.get(column)), by_rep.get(r["rep"])
                if x and y:
                    per_rep.append(f"{x / y:.3f}")
            print(f"| /{size} | {what} | {a:.1f} | {b:.1f} | {a / b:.3f} | {', '.join(per_rep)} "
                  f"| {'yes' if a / b <= 1.03 else 'no'} |")


def main(path):
    runs = Runs(path)
    table(runs)
    peer_table(runs)
    limit_table(runs)
    cache_table(runs)
    live_table(runs)


if __name__ == "__main__":
    main(sys.argv[1])
