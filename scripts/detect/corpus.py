#!/usr/bin/env python3
"""The detection corpus: public attack payload lists (read from local
mirrors of their repositories), our benign values (benign.py), the
train/test split, the committed test data and the learned SQL fingerprints.

  corpus.py data                 write tests/data/detect/*.tsv (test split,
                                 sampled) and print the sources' commits
  corpus.py full DIR             write every payload (both splits) to DIR
  corpus.py learn --tool BIN     learn the SQL fingerprint set from the
                                 train split into src/detect/sql_fingerprints.cpp
                                 (BIN: build/tests/tools/detect_eval)

Split (shared by every issue-13 helper): a payload is in `train` iff the
first byte of SHA-256 of its line as in the source list (trimmed) is < 179.
Payloads are decoded as the gateway's decoders would before a detector sees
them: URL-decoding (repeated, %uXXXX too), overlong UTF-8 to ASCII.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import benign  # noqa: E402

MIRROR = os.environ.get("DETECT_MIRROR", "/work/.mirror")
REPOS = {
    "libinjection": "client9+libinjection",
    "payloadbox-sqli": "payloadbox+sql-injection-payload-list",
    "payloadbox-xss": "payloadbox+xss-payload-list",
    "patt": "swisskyrepo+PayloadsAllTheThings",
}
DATA_DIR = os.path.join(ROOT, "tests/data/detect")
SAMPLE = 2000  # test-split lines kept per kind in the committed data


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", os.path.join(MIRROR, REPOS[repo], "repo"), *args],
                          check=True, capture_output=True).stdout


def files(repo, pattern):
    names = git(repo, "ls-tree", "-r", "HEAD", "--name-only").decode().splitlines()
    return [n for n in names if re.fullmatch(pattern, n)]


def decode_url(data, plus):
    if plus:
        data = data.replace(b"+", b" ")
    data = re.sub(rb"%u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)).encode("utf-8", "surrogatepass"), data)
    return urllib.parse.unquote_to_bytes(data)


OVERLONG = re.compile(rb"[\xc0\xc1][\x80-\xbf]|\xe0[\x80\x81][\x80-\xbf]|\xf0\x80[\x80\x81][\x80-\xbf]"
                      rb"|\xf8\x80\x80[\x80\x81][\x80-\xbf]|\xfc\x80\x80\x80[\x80\x81][\x80-\xbf]")


def decode_overlong(data):
    # ASCII encoded in 2 to 6 bytes; the gateway's decoders (and some
    # servers) read it as the ASCII byte.
    return OVERLONG.sub(lambda m: bytes([((m.group(0)[-2] & 0x3f) << 6 | (m.group(0)[-1] & 0x3f)) & 0x7f]), data)


def nfkc_ascii(data):
    # NFKC where it yields ASCII (fullwidth ．／＜ …), as the decoders do.
    text = data.decode("utf-8", "surrogateescape")
    out = []
    for ch in text:
        if ord(ch) >= 0x80 and not 0xdc80 <= ord(ch) <= 0xdcff:
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii():
                ch = folded
        out.append(ch)
    return "".join(out).encode("utf-8", "surrogateescape")


ESCAPE = re.compile(rb"%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4}")


def caller_decode(raw, plus):
    data = raw
    for round_ in range(3):
        if round_ > 0 and not ESCAPE.search(data):
            break
        if round_ == 0 and not plus and not ESCAPE.search(data):
            break
        data = decode_url(data, plus and round_ == 0)
    return nfkc_ascii(decode_overlong(data)).strip(b" \t\r\n")


def in_train(raw):
    return hashlib.sha256(raw).digest()[0] < 179


def lines_of(repo, path):
    try:
        text = git(repo, "show", f"HEAD:{path}")
    except subprocess.CalledProcessError:
        # The mirror lists a few large files it does not hold.
        print(f"corpus.py: {repo}:{path} not in the mirror, skipped", file=sys.stderr)
        return
    for line in text.split(b"\n"):
        line = line.strip()
        if line and not line.startswith(b"#"):
            yield line


def sources():
    """(kind, source, repo, path, url-encoded with '+')"""
    out = []
    for p in files("libinjection", r"data/sqli-.*\.txt"):
        out.append(("sqli", "libinjection/" + p[5:-4], "libinjection", p, True))
    for p in files("payloadbox-sqli", r"Intruder/.*\.txt"):
        if "NoSQL" not in p:
            out.append(("sqli", "payloadbox-sqli/" + p[9:-4], "payloadbox-sqli", p, False))
    for p in files("patt", r"SQL Injection/Intruder/[^/]*"):
        out.append(("sqli", "patt/sqli/" + os.path.basename(p), "patt", p, False))
    for p in files("libinjection", r"data/xss-.*\.txt"):
        out.append(("xss", "libinjection/" + p[5:-4], "libinjection", p, True))
    out.append(("xss", "payloadbox-xss/xss-payload-list", "payloadbox-xss", "Intruder/xss-payload-list.txt", False))
    for p in files("patt", r"XSS Injection/Intruders/[^/]*\.txt"):
        if "event_handlers" not in p:  # lists of handler names, not payloads
            out.append(("xss", "patt/xss/" + os.path.basename(p)[:-4], "patt", p, False))
    for p in files("patt", r"Command Injection/Intruder/[^/]*\.txt"):
        out.append(("shell", "patt/cmdi/" + os.path.basename(p)[:-4], "patt", p, False))
    for p in files("patt", r"Directory Traversal/Intruder/[^/]*\.txt"):
        out.append(("path", "patt/traversal/" + os.path.basename(p)[:-4], "patt", p, False))
    for name in ["JHADDIX_LFI", "Traversal", "dot-slash-PathTraversal_and_LFI_pairing", "simple-check",
                 "Linux-files", "Windows-files"]:
        out.append(("path", "patt/lfi/" + name, "patt", f"File Inclusion/Intruders/{name}.txt", False))
    return out


def samples():
    """(kind, source, split, payload bytes), deduplicated per source."""
    out = []
    for kind, source, repo, path, plus in sources():
        seen = set()
        for raw in lines_of(repo, path):
            payload = caller_decode(raw, plus)
            if b"{FILE}" in payload:  # a template: the list is meant to be filled in
                payload = payload.replace(b"{FILE}", b"etc/passwd")
            if not payload or payload in seen:
                continue
            seen.add(payload)
            out.append((kind, source, "train" if in_train(raw) else "test", payload))
    seen = set()
    for raw in lines_of("libinjection", "data/false_positives.txt"):
        payload = caller_decode(raw, True)
        if payload and payload not in seen:
            seen.add(payload)
            out.append(("benign", "libinjection/false_positives", "train" if in_train(raw) else "test", payload))
    for value in benign.values():
        raw = value.encode()
        out.append(("benign", "centinela/written", "train" if in_train(raw) else "test", raw))
    return out


def escape(payload):
    out = []
    text = payload.decode("utf-8", "surrogateescape")
    for ch in text:
        code = ord(ch)
        if 0xdc80 <= code <= 0xdcff:
            out.append("%%%02X" % (code - 0xdc00))
        elif code < 0x20 or code == 0x7f or ch == "%":
            out.append("%%%02X" % code)
        else:
            out.append(ch)
    return "".join(out)


def write_tsv(path, rows, header):
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(header)
        for kind, source, split, payload in rows:
            f.write(f"{kind}\t{source}\t{split}\t{escape(payload)}\n")


HEADER = ("# Generated by scripts/detect/corpus.py (see SOURCES.md): kind, source, split,\n"
          "# payload ('%', control bytes and invalid UTF-8 as %XX).\n")


def cmd_data(_args):
    os.makedirs(DATA_DIR, exist_ok=True)
    rows = samples()
    for kind in ["sqli", "xss", "shell", "path", "benign"]:
        chosen = [r for r in rows if r[0] == kind and (kind == "benign" or r[2] == "test")]
        if kind != "benign" and len(chosen) > SAMPLE:
            # A uniform sample (lowest SHA-256 of the payload first), so that
            # the rate over it estimates the rate over the whole test split.
            chosen = sorted(chosen, key=lambda r: hashlib.sha256(r[3]).digest())[:SAMPLE]
            chosen.sort(key=lambda r: r[1])
        write_tsv(os.path.join(DATA_DIR, kind + ".tsv"), chosen, HEADER)
        print(f"{kind}: {len(chosen)} lines")
    for name, repo in REPOS.items():
        print(name, git(name, "rev-parse", "HEAD").decode().strip())


def cmd_full(args):
    os.makedirs(args.dir, exist_ok=True)
    rows = samples()
    for kind in ["sqli", "xss", "shell", "path", "benign"]:
        write_tsv(os.path.join(args.dir, kind + ".tsv"), [r for r in rows if r[0] == kind], HEADER)


def fingerprints(tool, payloads):
    text = "".join(escape(p) + "\n" for p in payloads)
    out = subprocess.run([tool, "fingerprints"], input=text.encode("utf-8", "surrogateescape"),
                         check=True, capture_output=True).stdout.decode()
    return [line.split("\t") for line in out.splitlines()]


def prose_shape(fp):
    """Shapes prose has, never learned: words, strings and numbers with
    parentheses, commas or a ';' ("(see below)", "Hello;", "1),(1"), and a
    statement word followed by words only ("Update profile", "Drop me a
    line"), and words closed by a comment with words ("TRUE#LAST", "quote"
    -- author)."""
    words = all(c in "ns1v" for c in fp[:-1])
    return (all(c in "ns1v(),;" for c in fp) or (fp[0] in "Ek" and all(c in "ns1" for c in fp[1:]))
            or (fp[-1] == "C" and words))


def cmd_learn(args):
    rows = samples()
    attacks = sorted({r[3] for r in rows if r[0] == "sqli" and r[2] == "train"})
    benign_train = [r[3] for r in rows if r[0] == "benign" and r[2] == "train"]
    benign_counts = {}
    for fps in fingerprints(args.tool, benign_train):
        for fp in set(fps) - {"-", "."}:
            benign_counts[fp] = benign_counts.get(fp, 0) + 1
    attack_fps = fingerprints(args.tool, attacks)
    attack_counts = {}
    for fps in attack_fps:
        for fp in set(fps) - {"-", "."}:
            attack_counts[fp] = attack_counts.get(fp, 0) + 1
    # A shape a benign value has is dropped, unless injections have it far
    # more often than benign values do, counted per value of each list
    # (there are ~20 times more attacks than benign values): admin'-- and
    # a search term ending in '# share "sc".
    scale = len(attacks) / max(1, len(benign_train))
    forbidden = {fp for fp, n in benign_counts.items()
                 if attack_counts.get(fp, 0) < args.benign_weight * scale * n}
    for fp in sorted(benign_counts):
        if fp not in forbidden:
            print(f"kept despite benign: {fp} attacks {attack_counts[fp]} benign {benign_counts[fp]}")
    allowed_by_payload = []
    counts = {}
    for fps in attack_fps:
        ok = {fp for fp in fps if fp not in ("-", ".") and len(fp) >= 2 and fp not in forbidden
              and not prose_shape(fp)}
        allowed_by_payload.append(ok)
        for fp in ok:
            counts[fp] = counts.get(fp, 0) + 1
    chosen = set(counts) if args.all else greedy_cover(allowed_by_payload, counts)
    covered = sum(1 for ok in allowed_by_payload if ok & chosen)
    print(f"train payloads {len(attacks)}, covered {covered}, fingerprints {len(chosen)}, "
          f"forbidden by benign {len(forbidden)}")
    write_fingerprints(sorted(chosen))


def greedy_cover(allowed_by_payload, counts):
    chosen = set()
    # Fingerprints are taken most common first; a payload already covered
    # adds nothing. Ties break on the fingerprint for a stable result.
    for fp in sorted(counts, key=lambda f: (-counts[f], f)):
        if any(fp in ok and not (ok & chosen) for ok in allowed_by_payload):
            chosen.add(fp)
    return chosen


def write_fingerprints(fps):
    lines, line = [], "   "
    for fp in fps:
        literal = '"' + fp.replace("\\", "\\\\").replace('"', '\\"') + '",'
        if len(line) + 1 + len(literal) > 100:
            lines.append(line)
            line = "   "
        line += " " + literal
    lines.append(line)
    body = "\n".join(lines)
    path = os.path.join(ROOT, "src/detect/sql_fingerprints.cpp")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""\
// Generated by scripts/detect/corpus.py learn: do not edit.
// The SQL fingerprints (sql_fingerprint.h) of the train split of public SQL
// injection lists (tests/data/detect/SOURCES.md), none of which a benign
// value of the train split has: {len(fps)} shapes.
#include "detect/sql_fingerprint.h"

namespace centinela::detect {{
namespace {{

// clang-format off
constexpr std::string_view kFingerprints[] = {{
{body}
}};
// clang-format on

}}  // namespace

std::span<const std::string_view> sql_fingerprint_set() {{ return kFingerprints; }}

}}  // namespace centinela::detect
""")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("data")
    full = sub.add_parser("full")
    full.add_argument("dir")
    learn = sub.add_parser("learn")
    learn.add_argument("--tool", required=True)
    learn.add_argument("--all", action="store_true", help="every allowed fingerprint, not a cover")
    learn.add_argument("--benign-weight", type=float, default=1.0,
                       help="a benign value's weight against an attack's, per list size")
    args = parser.parse_args()
    {"data": cmd_data, "full": cmd_full, "learn": cmd_learn}[args.command](args)


if __name__ == "__main__":
    main()
