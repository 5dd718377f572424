#!/usr/bin/env python3
"""Fetches numbered URLs (PATH?QUERY=N) through a cache, for bench/run.sh's cache modes.

Distinct query values make distinct cache keys, and the origin serves PATH whatever the
query says, so N requests store N objects.

    cache_client.py fill --port P --path /large --query i --first 1 --count 10000 [--threads 8]
        fetches every URL once over keep-alive connections shared by THREADS threads.
    cache_client.py latency --port P --path /large --query i --first 1 --count 2000
        fetches every URL once, one at a time on one keep-alive connection, timing each.

Either prints one JSON object: requests, failures (non-200, short body or connection
error), x_cache (count of each X-Cache value; "-" when absent), seconds, and for latency
p50_ms, p90_ms, p99_ms. Only the standard library is used.
"""

import argparse
import collections
import http.client
import json
import statistics
import sys
import threading
import time


def fetch(conn_box, port, url, headers):
    """One GET on the box's keep-alive connection (re-made after a failure):
    (status, body length, X-Cache or '-'), or None when the connection failed twice."""
    for _ in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn = conn_box[0]
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            body = response.read()
            x_cache = response.getheader("X-Cache", "-")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn_box[0] = None
            return response.status, len(body), x_cache
        except (OSError, http.client.HTTPException):
            conn.close()
            conn_box[0] = None
    return None


class Tally:
    def __init__(self, expect_length):
        self.expect_length = expect_length
        self.requests = 0
        self.failures = 0
        self.x_cache = collections.Counter()
        self.lock = threading.Lock()

    def add(self, outcome):
        with self.lock:
            self.requests += 1
            if outcome is None:
                self.failures += 1
                self.x_cache["(connection failed)"] += 1
                return
            status, length, x_cache = outcome
            if status != 200 or (self.expect_length and length != self.expect_length):
                self.failures += 1
            self.x_cache[x_cache] += 1

    def report(self, seconds, **extra):
        return {"requests": self.requests, "failures": self.failures,
                "x_cache": dict(self.x_cache), "seconds": round(seconds, 3), **extra}


def urls(args):
    return [f"{args.path}?{args.query}={n}" for n in range(args.first, args.first + args.count)]


def fill(args):
    tally = Tally(args.expect_length)
    todo = urls(args)
    next_index = [0]
    index_lock = threading.Lock()

    def worker():
        box = [None]
        while True:
            with index_lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(todo):
                break
            tally.add(fetch(box, args.port, todo[i], {}))
        if box[0] is not None:
            box[0].close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.report(time.perf_counter() - start)


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def latency(args):
    tally = Tally(args.expect_length)
    box = [None]
    # The connection is made (and the client's code paths warmed) before the first timed request.
    fetch(box, args.port, f"{args.path}?{args.query}=warm-{args.first}", {})
    times = []
    start = time.perf_counter()
    for url in urls(args):
        began = time.perf_counter()
        outcome = fetch(box, args.port, url, {})
        times.append((time.perf_counter() - began) * 1000)
        tally.add(outcome)
    seconds = time.perf_counter() - start
    times.sort()
    return tally.report(seconds,
                        p50_ms=round(statistics.median(times), 3) if times else None,
                        p90_ms=round(percentile(times, 0.90), 3) if times else None,
                        p99_ms=round(percentile(times, 0.99), 3) if times else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["fill", "latency"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/large")
    parser.add_argument("--query", default="i", help="name of the numbered query parameter")
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8, help="fill only")
    parser.add_argument("--expect-length", type=int, default=0,
                        help="body length every response must have (0: any)")
    args = parser.parse_args()
    result = fill(args) if args.mode == "fill" else latency(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
