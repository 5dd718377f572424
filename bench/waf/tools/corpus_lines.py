#!/usr/bin/env python3
"""bench/waf/corpus as lines for waf_corpus (one request a line, tab-separated:
id, method, target, headers as hex "name:value" joined by ',', body as hex).

  corpus_lines.py [--split train|test|all]"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="train")
    args = ap.parse_args()
    for name in ("attacks.jsonl", "benign_generated.jsonl", "benign_public.jsonl"):
        with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if args.split != "all" and r["split"] != args.split:
                    continue
                body = r.get("body")
                data = b"" if body is None else body.encode(
                    "latin-1" if r.get("body_encoding") == "latin-1" else "utf-8")
                headers = dict(r["headers"])
                if r.get("content_type"):
                    headers["Content-Type"] = r["content_type"]
                if body is not None or r["method"] in ("POST", "PUT", "PATCH"):
                    headers["Content-Length"] = str(len(data))
                target = r["path"] + ("?" + r["query"] if r["query"] else "")
                fields = ",".join(("%s:%s" % (k, v)).encode("utf-8", "surrogateescape").hex()
                                  for k, v in headers.items())
                print("\t".join([r["id"], r["method"], target, fields, data.hex()]))


if __name__ == "__main__":
    main()
