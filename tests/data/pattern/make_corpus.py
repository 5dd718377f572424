#!/usr/bin/env python3
"""Builds corpus.txt: the strings the pattern tests run every CRS @rx on, to
check that Hyperscan's verdict equals PCRE2's and that required-byte sets
never miss a match. Deterministic: same inputs, same file.

Sources (SOURCES.md has commits and licences; LICENSES/ their texts):
  * benign.txt in this folder: benign API values written for the WAF survey
    (the 4 KiB JSON probe body's values, by alphabet class) and edge cases;
  * the OWASP CRS v3.3.4 regression tests (tests/regression/tests/**.yaml):
    request URIs, query values, bodies and header values of every stage;
  * attack payload lists: client9/libinjection data/*.txt,
    payloadbox/sql-injection-payload-list and xss-payload-list Intruder/,
    swisskyrepo/PayloadsAllTheThings */Intruder*/ files.
Each payload list is sampled: at most PER_FILE lines per file, the ones with
the smallest SHA-256 (a stable, content-chosen sample). Every string is kept
as is and, when different, URL-decoded (CRS runs most @rx after
t:urlDecodeUni) and lower-cased (after t:lowercase).

Format: one string per line, escaped so the file is printable ASCII:
\\\\ \\n \\r \\t and \\xHH for any other byte outside 0x20..0x7e; a leading
'#' is written \\x23, as lines starting with '#' are comments.

Usage: make_corpus.py MIRRORS_DIR > corpus.txt
  MIRRORS_DIR holds bare git clones named owner+repo/repo (the layout the
  session's fetch tool writes, e.g. /work/.mirror).
"""
import hashlib
import os
import subprocess
import sys
import urllib.parse

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PER_FILE = 40
MAX_BYTES = 1024

LISTS = [
    ("client9+libinjection", "HEAD", lambda p: p.startswith("data/") and p.endswith(".txt")),
    ("payloadbox+sql-injection-payload-list", "HEAD", lambda p: p.startswith("Intruder/")),
    ("payloadbox+xss-payload-list", "HEAD", lambda p: p.startswith("Intruder/")),
    ("swisskyrepo+PayloadsAllTheThings", "HEAD", lambda p: "/Intruder" in p),
]
CRS = ("coreruleset+coreruleset", "v3.3.4", "tests/regression/tests/")


def git(mirrors, repo, *args):
    return subprocess.run(["git", "--git-dir", os.path.join(mirrors, repo, "repo"), *args],
                          check=True, capture_output=True).stdout


def files(mirrors, repo, rev, keep):
    names = git(mirrors, repo, "ls-tree", "-r", "--name-only", rev).decode().splitlines()
    return sorted(n for n in names if keep(n))


def sample(lines):
    lines = sorted({l for l in lines if l.strip()}, key=lambda l: hashlib.sha256(l).digest())
    return lines[:PER_FILE]


def payload_lists(mirrors):
    for repo, rev, keep in LISTS:
        for name in files(mirrors, repo, rev, keep):
            try:
                text = git(mirrors, repo, "show", f"{rev}:{name}")
            except subprocess.CalledProcessError:  # a blob the snapshot lacks
                print(f"skipped {repo}:{name} (not in the snapshot)", file=sys.stderr)
                continue
            yield from sample(l.rstrip(b"\r") for l in text.split(b"\n"))


def stage_strings(stage):
    given = stage.get("input", {}) if isinstance(stage, dict) else {}
    uri = given.get("uri")
    if isinstance(uri, str):
        yield uri
        query = uri.partition("?")[2]
        for pair in query.split("&"):
            yield pair.partition("=")[2]
    data = given.get("data")
    if isinstance(data, list):
        data = "\r\n".join(str(d) for d in data)
    if isinstance(data, str):
        yield data
        for pair in data.split("&"):
            yield pair.partition("=")[2]
    for value in (given.get("headers") or {}).values():
        yield str(value)


def crs_tests(mirrors):
    repo, rev, folder = CRS
    for name in files(mirrors, repo, rev, lambda p: p.startswith(folder) and p.endswith(".yaml")):
        try:
            doc = yaml.safe_load(git(mirrors, repo, "show", f"{rev}:{name}"))
        except yaml.YAMLError:
            continue
        for test in (doc or {}).get("tests", []):
            for entry in test.get("stages", []):
                for s in stage_strings(entry.get("stage", {})):
                    yield s.encode("utf-8", "surrogateescape")


def variants(raw):
    raw = raw[:MAX_BYTES]
    yield raw
    decoded = urllib.parse.unquote_to_bytes(raw.replace(b"+", b" "))
    yield decoded
    yield decoded.lower()


def escape(s):
    out = []
    for i, b in enumerate(s):
        c = chr(b)
        if c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif (c == "#" and i == 0) or b < 0x20 or b > 0x7e:
            out.append(f"\\x{b:02x}")
        else:
            out.append(c)
    return "".join(out)


def unescape(line):
    out, i = bytearray(), 0
    while i < len(line):
        c = line[i]
        if c != "\\" or i + 1 >= len(line):
            out.append(ord(c))
            i += 1
        elif line[i + 1] == "x":
            out.append(int(line[i + 2:i + 4], 16))
            i += 4
        else:
            out.append({"n": 10, "r": 13, "t": 9}.get(line[i + 1], ord(line[i + 1])))
            i += 2
    return bytes(out)


def main():
    mirrors = sys.argv[1]
    with open(os.path.join(HERE, "benign.txt"), encoding="ascii") as f:
        benign = [unescape(l.rstrip("\n")) for l in f if not l.startswith("#")]
    seen, out = set(), []
    for source in (benign, crs_tests(mirrors), payload_lists(mirrors)):
        for raw in source:
            for s in variants(raw):
                if s and s not in seen:
                    seen.add(s)
                    out.append(s)
    sys.stdout.write("## corpus for tests/unit/pattern (make_corpus.py; SOURCES.md)\n")
    for s in out:
        sys.stdout.write(escape(s) + "\n")
    print(f"{len(out)} strings", file=sys.stderr)


if __name__ == "__main__":
    main()
