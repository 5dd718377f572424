#!/usr/bin/env python3
"""Tables of bench/waf_cost.sh's results.tsv: per system and request, CPU per request on the
plain and the inspected route, and what inspecting adds (the per-repetition differences,
each repetition's two measurements taken one after the other), median (min..max)."""
import csv
import statistics
import sys


def spread(values):
    values = [v for v in values if v == v]  # drop nan
    if not values:
        return "–"
    return "%.1f (%.1f..%.1f)" % (statistics.median(values), min(values), max(values))


def main(path):
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    by = {}
    for row in rows:
        by.setdefault((row["system"], row["case"]), {}).setdefault(row["rep"], {})[row["route"]] = row
    print("## WAF cost on the gateway's core (bench/waf_cost.sh)\n")
    print("CPU µs per request, median (min..max) over the repetitions; *added* = the inspected")
    print("route's figure minus the plain route's, taken per repetition. *core* is core 0's busy")
    print("time, *own* the gateway's own CPU (user + system).\n")
    print("| system | request | req/s plain / waf | core: plain | core: waf | **core: added** "
          "| own: added | errors |")
    print("|---|---|---|---|---|---|---|---:|")
    for (system, case), reps in sorted(by.items()):
        f = lambda route, key: [float(r[route][key]) for r in reps.values() if route in r]
        added = lambda key: [float(r["waf"][key]) - float(r["plain"][key])
                             for r in reps.values() if "waf" in r and "plain" in r]
        bad = sum(int(r[route]["bad"]) for r in reps.values() for route in r)
        rps = "%.0f / %.0f" % (statistics.median(f("plain", "req_s") or [0]),
                               statistics.median(f("waf", "req_s") or [0]))
        print("| %s | %s | %s | %s | %s | **%s** | %s | %d |" % (
            system, case, rps, spread(f("plain", "cpu_us")), spread(f("waf", "cpu_us")),
            spread(added("cpu_us")), spread(added("own_us")), bad))
    loads = [float(r["load1"]) for r in rows]
    print("\nLoad average (1 min) as measurements ended: %.2f..%.2f." % (min(loads), max(loads)))


if __name__ == "__main__":
    main(sys.argv[1])
