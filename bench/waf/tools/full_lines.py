#!/usr/bin/env python3
"""The payloads of `scripts/detect/corpus.py full DIR` as waf_corpus lines:
each payload of one split in a query (GET /api/v1/search?q=…) and in a JSON
field (POST /api/v1/comments {"comment": …}). Ids are KIND:ROW:q and KIND:ROW:j
(ROW: the line of DIR/KIND.tsv). For tuning on the train split of the whole
public lists the bench samples from (README.md); never read the test split.

  full_lines.py DIR [--split train] | waf_corpus --profile api > full.out"""
import argparse
import json
import urllib.parse

KINDS = ("sqli", "xss", "shell", "path", "benign")


def headers(*fields):
    return ",".join(f.encode("utf-8").hex() for f in fields)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--split", default="train")
    args = ap.parse_args()
    for kind in KINDS:
        with open("%s/%s.tsv" % (args.dir, kind), encoding="utf-8") as f:
            for row, line in enumerate(f):
                fields = line.rstrip("\n").split("\t")
                if line.startswith("#") or len(fields) < 4 or fields[2] != args.split:
                    continue
                raw = urllib.parse.unquote_to_bytes(fields[3])  # '%' and control bytes escaped
                target = "/api/v1/search?q=" + urllib.parse.quote_from_bytes(raw, safe="")
                print("\t".join(["%s:%d:q" % (kind, row), "GET", target,
                                 headers("Host:api.example.com", "User-Agent:curl/7.88.1"), ""]))
                body = json.dumps({"id": 1, "comment": raw.decode("utf-8", "replace")}).encode()
                print("\t".join(["%s:%d:j" % (kind, row), "POST", "/api/v1/comments",
                                 headers("Host:api.example.com", "User-Agent:curl/7.88.1",
                                         "Content-Type:application/json",
                                         "Content-Length:%d" % len(body)), body.hex()]))


if __name__ == "__main__":
    main()
