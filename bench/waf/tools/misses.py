#!/usr/bin/env python3
"""Misses and false positives of a waf_corpus run, grouped for tuning.

  corpus_lines.py --split train | waf_corpus --profile api > train.out
  misses.py train.out [--blocked] [--category sqli] [--threshold 5]

Prints, per attack category, the attacks scored below the threshold, one
line each: id, placement and the value the payload sits in (URL-decoded
query, body); payloads sent in several placements are printed once, with
how many placements missed. With --blocked, the benign requests that
reached the threshold instead, with their findings. Tune on the train split
only (README.md); the test split is counted, not read.
"""
import argparse
import collections
import json
import os
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")


def load_corpus():
    requests = {}
    for name in ("attacks.jsonl", "benign_generated.jsonl", "benign_public.jsonl"):
        with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                r["benign"] = name != "attacks.jsonl"
                requests[r["id"]] = r
    return requests


FILLER = {"Send", "en-US", "20", "1", "desc", "asc", "json"}


def longest(values):
    # The payload, not the filler the corpus puts beside it (locale, page
    # size, a session id of 16 hex digits).
    values = [v for v in values if isinstance(v, str) and v not in FILLER and
              not (len(v) == 16 and all(c in "0123456789abcdef" for c in v))]
    return max(values, key=len) if values else ""


def payload(r):
    """The attack value itself, whatever its placement: the longest value of
    the query, the JSON object, the form or the cookie, or the header."""
    placement = r.get("placement")
    try:
        if placement == "query":
            return longest(v for _, v in urllib.parse.parse_qsl(r["query"], keep_blank_values=True))
        if placement == "json":
            return longest(json.loads(r["body"]).values())
        if placement == "form":
            return longest(v for _, v in urllib.parse.parse_qsl(r["body"], keep_blank_values=True))
        if placement == "cookie":
            cookies = [c.split("=", 1)[-1] for c in r["headers"].get("Cookie", "").split("; ")]
            return longest(urllib.parse.unquote(c) for c in cookies)
        if placement == "user-agent":
            return r["headers"].get("User-Agent", "")
        if placement == "referer":
            return r["headers"].get("Referer", "")
    except (ValueError, AttributeError):
        pass
    return None


def shown_value(r):
    """The request's payload-bearing parts as one short line."""
    parts = []
    if r["query"]:
        parts.append(urllib.parse.unquote_plus(r["query"]))
    if r.get("body"):
        body = r["body"]
        if r.get("content_type", "") and "urlencoded" in r["content_type"]:
            body = urllib.parse.unquote_plus(body)
        parts.append(body)
    if r.get("placement") in ("cookie", "user-agent", "referer", "crs-test"):
        for k, v in r["headers"].items():
            if k.lower() in ("cookie", "user-agent", "referer") or r["placement"] == "crs-test":
                if k.lower() not in ("host", "accept", "accept-language", "connection"):
                    parts.append("%s: %s" % (k, urllib.parse.unquote(v)))
    if r.get("placement") == "crs-test":
        parts.insert(0, r["method"] + " " + urllib.parse.unquote(r["path"]))
    text = " | ".join(parts)
    return text.replace("\n", "\\n").replace("\r", "\\r")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="waf_corpus output (id, score, findings)")
    ap.add_argument("--threshold", type=int, default=5)
    ap.add_argument("--category")
    ap.add_argument("--blocked", action="store_true", help="benign requests blocked instead")
    ap.add_argument("--width", type=int, default=220)
    args = ap.parse_args()
    corpus = load_corpus()
    groups = collections.defaultdict(collections.OrderedDict)
    totals = collections.Counter()
    for line in open(args.results, encoding="utf-8", errors="replace"):
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 2 or fields[0] not in corpus:
            continue
        r = corpus[fields[0]]
        score = int(fields[1])
        findings = fields[2].strip() if len(fields) > 2 else ""
        if args.category and r["category"] != args.category:
            continue
        totals[r["category"]] += 1
        miss = score >= args.threshold if args.blocked else score < args.threshold
        if r["benign"] != args.blocked or not miss:
            continue
        # One payload in several placements is one line.
        value = payload(r)
        value = shown_value(r) if value is None else value.replace("\n", "\\n").replace("\r", "\\r")
        entry = groups[r["category"]].setdefault(value, [r["id"], r.get("placement", "-"), findings, 0])
        entry[3] += 1
    for category in sorted(groups):
        entries = groups[category]
        count = sum(e[3] for e in entries.values())
        print("== %s: %d of %d %s" % (category, count, totals[category],
                                      "blocked" if args.blocked else "missed"))
        for value, (rid, placement, findings, n) in entries.items():
            extra = ("  [%s]" % findings) if findings else ""
            print("  %-12s %-10s %dx %s%s" % (rid, placement, n, value[: args.width], extra))


if __name__ == "__main__":
    main()
