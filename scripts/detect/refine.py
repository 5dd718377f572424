#!/usr/bin/env python3
"""Refine the learned SQL fingerprint set (src/detect/sql_fingerprints.cpp)
with the train split of bench/waf's corpus (issue 13): the values of its
benign train requests are negatives, the payload values of its SQL injection
train requests positives. Never reads the test split.

  refine.py --tool build/tests/tools/detect_eval [--dry-run]

- A fingerprint a benign train value has is dropped when fewer than
  ATTACK_RATIO times as many attack values have it ("Not what I expected"
  reads as NOT word word word: "onnn", one attack, 25 benign titles).
- An attack value no fingerprint covers adds its fingerprints, most common
  first (a greedy cover), unless a benign value has it or it is a prose shape.
"""
import argparse
import collections
import json
import os
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import corpus  # noqa: E402

BENCH = os.path.join(ROOT, "bench/waf/corpus")
ATTACK_RATIO = 3
# Shapes of a value that is a query fragment on its own, from the CRS
# regression requests of the train split (issue 13, 2026-12-07): a function
# opened and left open ("COS(", "select char("), a select list's tail
# (") AS x FROM", ") AS 'x' FROM"), a string closed before a statement or a
# list (`" ALTER A`, "' alter/", "' ', 10"). The cover below misses them:
# two tokens are shorter than it takes, and a body without '=' is an
# argument name, which values_of() does not read. None is the shape of a
# benign value or argument name of either split (checked with detect_eval).
# "s&n()": a string closed, OR/AND and a call with no arguments — XPath's
# node functions (`x' or name()='username' or 'x'='y`; bench/waf's ldap
# train requests), which no SQL list writes; no benign train value has it.
FRAGMENTS = {"f(", "Ef(", ")knk", ")ksk", "sEn", "sEo", "s,1", "s&n()"}


def leaves(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(k)
            leaves(v, out)
    elif isinstance(node, list):
        for v in node:
            leaves(v, out)
    elif isinstance(node, str):
        out.append(node)


def values_of(r):
    """The values an application reads from one corpus request (as the WAF's
    view has them: query and form decoded, JSON leaves, cookies, two headers)."""
    out = []
    for _, v in urllib.parse.parse_qsl(r.get("query") or "", keep_blank_values=True):
        out.append(v)
    body, ctype = r.get("body"), (r.get("content_type") or "").lower()
    if body:
        if "json" in ctype:
            try:
                leaves(json.loads(body), out)
            except ValueError:
                out.append(body)
        elif "x-www-form-urlencoded" in ctype or not ctype:
            out += [v for _, v in urllib.parse.parse_qsl(body, keep_blank_values=True)]
        else:
            out.append(body)
    headers = r.get("headers") or {}
    for piece in (headers.get("Cookie") or "").split(";"):
        if "=" in piece:
            out.append(urllib.parse.unquote(piece.split("=", 1)[1]))
    for name in ("User-Agent", "Referer"):
        if headers.get(name):
            out.append(headers[name])
    return [v for v in out if v]


def read(name):
    with open(os.path.join(BENCH, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def current_set():
    text = open(os.path.join(ROOT, "src/detect/sql_fingerprints.cpp"), encoding="utf-8").read()
    body = text[text.index("kFingerprints[] = {"):text.index("};")]
    return set(json.loads("[" + ",".join(re.findall(r'"(?:[^"\\]|\\.)*"', body)) + "]"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    attacks = [r for r in read("attacks.jsonl") if r["split"] == "train"]
    benign = [r for r in read("benign_generated.jsonl") + read("benign_public.jsonl")
              if r["split"] == "train"]
    # Filler values (ids, locales, tokens) repeat across requests: not payloads.
    seen = collections.Counter(v for r in attacks for v in set(values_of(r)))
    benign_values = sorted({v for r in benign for v in values_of(r)})
    sql_values = sorted({v for r in attacks if r["category"] == "sqli" for v in values_of(r)
                         if seen[v] < 5 and v not in benign_values})
    benign_fps = collections.Counter()
    for fps in corpus.fingerprints(args.tool, [v.encode("utf-8", "surrogateescape") for v in benign_values]):
        for fp in set(fps) - {"-", "."}:
            benign_fps[fp] += 1
    attack_fps = corpus.fingerprints(args.tool, [v.encode("utf-8", "surrogateescape") for v in sql_values])
    attack_counts = collections.Counter(fp for fps in attack_fps for fp in set(fps) - {"-", "."})
    fingerprints = current_set()
    dropped = {fp for fp in fingerprints
               if benign_fps[fp] and attack_counts[fp] < ATTACK_RATIO * benign_fps[fp]}
    fingerprints -= dropped
    fingerprints |= FRAGMENTS
    allowed_by_payload, counts = [], collections.Counter()
    for fps in attack_fps:
        ok = {fp for fp in fps if fp not in ("-", ".") and len(fp) >= 3 and not benign_fps[fp]
              and not corpus.prose_shape(fp)}
        if ok & fingerprints:
            continue  # covered already
        allowed_by_payload.append(ok)
        counts.update(ok)
    added = corpus.greedy_cover(allowed_by_payload, counts)
    for fp in sorted(dropped):
        print(f"dropped {fp}: benign {benign_fps[fp]}, attacks {attack_counts[fp]}")
    print(f"added {len(added)}: {' '.join(sorted(added))}")
    print(f"train SQL values {len(sql_values)}, benign values {len(benign_values)}, "
          f"fingerprints {len(fingerprints | added)}")
    if not args.dry_run:
        corpus.write_fingerprints(sorted(fingerprints | added))


if __name__ == "__main__":
    main()
