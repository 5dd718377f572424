#!/usr/bin/env python3
"""Builds the attack corpus and the public benign corpus for bench/waf from fetched mirrors.

    python3 bench/waf/corpus/build_corpus.py [--mirrors /work/.mirror] [--check-yaml]

Reads the bare git mirrors (git show, nothing checked out), samples deterministically (hash
order, no randomness), places each payload in requests and writes, next to this script:
  attacks.jsonl        one HTTP request per line (schema in ../README.md)
  benign_public.jsonl  libinjection false_positives.txt + CRS v3.3.4 negative stages
  SOURCES.md           repo, commit, file, licence and count of every source used
  COUNTS.md            requests per category and split (all corpus files present)
The generated benign traffic comes from generate_benign.py (benign_generated.jsonl).
"""

import argparse
import os
import re
import subprocess
import sys
from urllib.parse import unquote_to_bytes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_lib as L  # noqa: E402
import mini_yaml  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

MIRRORS = {
    # key: (directory under --mirrors, GitHub slug, ref, SPDX licence, licence file)
    "libinjection": ("client9+libinjection", "client9/libinjection", "HEAD", "BSD-3-Clause",
                     "COPYING"),
    "payloadbox-sql": ("payloadbox+sql-injection-payload-list",
                       "payloadbox/sql-injection-payload-list", "HEAD", "MIT", "LICENSE"),
    "payloadbox-xss": ("payloadbox+xss-payload-list", "payloadbox/xss-payload-list", "HEAD",
                       "MIT", "LICENSE"),
    "patt": ("swisskyrepo+PayloadsAllTheThings", "swisskyrepo/PayloadsAllTheThings", "HEAD",
             "MIT", "LICENSE"),
    "crs": ("coreruleset+coreruleset", "coreruleset/coreruleset", "v3.3.4", "Apache-2.0",
            "LICENSE"),
    "crs4": ("coreruleset+coreruleset", "coreruleset/coreruleset", "v4.0.0", "Apache-2.0",
             "LICENSE"),
}


class Mirror:
    def __init__(self, root, key):
        d, self.slug, ref, self.licence, self.licence_file = MIRRORS[key]
        self.key = key
        self.gitdir = os.path.join(root, d, "repo")
        self.ref = ref
        self.commit = self._git("rev-parse", ref + "^{commit}").decode().strip()

    def _git(self, *args):
        return subprocess.run(["git", "--git-dir=" + self.gitdir] + list(args),
                              check=True, capture_output=True).stdout

    def show(self, path):
        return self._git("show", self.commit + ":" + path)

    def present(self, path):
        """False for a file the snapshot lists but does not hold (large blobs may be absent)."""
        r = subprocess.run(["git", "--git-dir=" + self.gitdir, "cat-file", "-e",
                            self.commit + ":" + path], capture_output=True)
        return r.returncode == 0

    def ls(self, under):
        out = self._git("ls-tree", "-r", "--name-only", "-z", self.commit, "--", under)
        return sorted(p for p in out.decode().split("\0") if p)


# ---- line sources ----------------------------------------------------------------------
# decode: url_plus = the line is URL-encoded query text (libinjection's data/README.md);
#         pct_auto = URL-decode once when the line holds %XX (the list means the URL);
#         raw = the line is the value.
# quota: payloads sampled in SHA-256 order of "sample\0" + line (None = all); salted so
#        that the sample is independent of the split byte.
def _files(m, under, include=r".", exclude=r"^$"):
    return [p for p in m.ls(under) if re.search(include, p) and not re.search(exclude, p)]


LINE_SOURCES = [
    # category, mirror, files(mirror), decode, quota
    ("sqli", "libinjection", lambda m: _files(m, "data", r"/sqli-.*\.txt$"), "url_plus", 150),
    ("sqli", "payloadbox-sql", lambda m: _files(m, "Intruder", r"\.txt$", r"NoSQL"),
     "pct_auto", 75),
    ("sqli", "patt", lambda m: _files(m, "SQL Injection/Intruder", r".", r"/SQL-Injection$"),
     "pct_auto", 75),
    ("xss", "libinjection", lambda m: _files(m, "data", r"/xss-.*\.txt$"), "url_plus", 100),
    ("xss", "payloadbox-xss", lambda m: ["Intruder/xss-payload-list.txt"], "raw", 100),
    ("xss", "patt", lambda m: _files(m, "XSS Injection/Intruders", r"\.txt$",
                                     r"event_handlers|jsonp_endpoint|swf_fuzz"), "raw", 80),
    ("cmdi", "patt", lambda m: _files(m, "Command Injection/Intruder"), "pct_auto", 200),
    ("lfi", "patt", lambda m: ["Directory Traversal/Intruder/directory_traversal.txt"],
     "pct_auto", 60),
    ("lfi", "patt", lambda m: ["Directory Traversal/Intruder/deep_traversal.txt"],
     "pct_auto", 60),
    ("lfi", "patt", lambda m: ["Directory Traversal/Intruder/dotdotpwn.txt"], "pct_auto", 60),
    ("lfi", "patt", lambda m: ["File Inclusion/Intruders/JHADDIX_LFI.txt"], "pct_auto", 60),
    ("nosql", "patt", lambda m: _files(m, "NoSQL Injection/Intruder"), "raw", None),
    ("nosql", "payloadbox-sql", lambda m: ["Intruder/detect/NoSQL/no-sql.txt"], "raw", None),
    ("ssti", "patt", lambda m: ["Server Side Template Injection/Intruder/ssti.fuzz"], "raw", 80),
    ("ldap", "patt", lambda m: ["LDAP Injection/Intruder/LDAP_FUZZ.txt"], "raw", None),
]
# Lines pulled out of markdown pages (regex on each line; group 1 is the payload).
MARKDOWN_SOURCES = [
    ("java", "patt", "CVE Exploits/Log4Shell.md", r"(\$\{[^\s`]*(?:jndi|::-|lower:|upper:)[^\s`]*)"),
    ("rfi", "patt", "File Inclusion/README.md",
     r"index\.php\?page=((?:https?:|ftp:|\\\\)[^\s`]*)"),
]
TRAVERSAL_FILES = ["etc/passwd", "etc/shadow", "windows/win.ini", "boot.ini", "etc/hosts"]
EXTRA = {"nosql", "ssti", "ldap", "nodejs"}
MIN_LEN = 2  # single characters ("*", "`") are probes, not attacks

# ---- CRS regression tests --------------------------------------------------------------
CRS_GROUPS = {  # folder prefix -> (category, quota of positive stages)
    "REQUEST-930": ("lfi", None), "REQUEST-931": ("rfi", None), "REQUEST-932": ("cmdi", 60),
    "REQUEST-933": ("php", None), "REQUEST-934": ("nodejs", None), "REQUEST-941": ("xss", 60),
    "REQUEST-942": ("sqli", 120), "REQUEST-944": ("java", 200),
}
CRS4_FILES = ["REQUEST-944-APPLICATION-ATTACK-JAVA/%s.yaml" % r
              for r in ("944150", "944151", "944152")]  # Log4Shell; not in v3.3.4
DROP_HEADERS = {"content-length", "connection", "proxy-connection", "keep-alive",
                "transfer-encoding"}

WRAPPERS = [  # name, sample size, placements
    ("base64", 60, ["json"]),
    ("double-url", 60, ["query", "form"]),
    ("json-unicode", 60, ["json"]),
    ("html-entities", 60, ["query", "json", "form"]),
    ("percent-u", 60, ["query", "form"]),
    ("overlong-utf8", 60, ["query", "form"]),
    ("fullwidth", 60, ["query", "json", "form"]),
]
QUERY_PATHS = ["/api/v1/search", "/api/v1/products", "/api/v1/users", "/catalog/items",
               "/api/v2/orders"]
QUERY_NAMES = ["q", "search", "id", "name", "filter", "sort", "ref", "page", "term", "lang"]
JSON_PATHS = ["/api/v1/comments", "/api/v1/orders", "/api/v1/profile", "/api/v1/reviews",
              "/api/v2/messages"]
JSON_NAMES = ["comment", "name", "query", "description", "title", "message", "note",
              "address", "value", "text"]
FORM_PATHS = ["/login", "/contact", "/account/settings", "/search", "/newsletter"]
FORM_NAMES = ["username", "comment", "email", "message", "search", "title", "city"]
B64_NAMES = ["payload", "data", "blob", "content", "attachment"]


def decode_line(line, mode):
    if mode == "url_plus":
        return unquote_to_bytes(line.replace("+", " "))
    if mode == "pct_auto" and re.search(r"%[0-9A-Fa-f]{2}", line):
        return unquote_to_bytes(line)
    return line.encode("utf-8")


def read_lines(m, path):
    data = m.show(path)
    for raw in data.split(b"\n"):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            continue  # not text in the list itself: left out
        if line and not (m.key == "libinjection" and line.startswith("#")):
            yield line


class Corpus:
    def __init__(self, root):
        self.root = root
        self.mirrors = {}
        self.sources = {}  # (mirror key, path) -> [category set, count]
        self.attacks = []
        self.public_benign = []
        self.pool = {}  # category -> [(line, value str)] for wrapped variants
        self.missing = []  # (mirror key, path) listed by the snapshot but absent

    def mirror(self, key):
        if key not in self.mirrors:
            self.mirrors[key] = Mirror(self.root, key)
        return self.mirrors[key]

    def note_source(self, m, path, category, n):
        e = self.sources.setdefault((m.key, path), [set(), 0])
        e[0].add(category)
        e[1] += n

    # -- payload lists
    def line_payloads(self):
        seen = {}
        for category, key, files, mode, quota in LINE_SOURCES:
            m = self.mirror(key)
            cands = []
            for path in files(m):
                if not m.present(path):
                    self.missing.append((m.key, path))
                    continue
                for line in read_lines(m, path):
                    cands.append((L.digest("sample\0" + line), line, path))
            cands.sort()
            taken = 0
            for _, line, path in cands:
                if quota is not None and taken >= quota:
                    break
                value = decode_line(line, mode)
                if "{FILE}" in line:
                    value = value.replace(b"{FILE}", L.pick(TRAVERSAL_FILES, line).encode())
                if len(value.strip()) < MIN_LEN or value in seen.setdefault(category, set()):
                    continue
                seen[category].add(value)
                taken += 1
                self.place(category, m, path, line, value)
        for category, key, path, rx in MARKDOWN_SOURCES:
            m = self.mirror(key)
            for line in sorted(set(re.findall(rx, m.show(path).decode("utf-8")))):
                line = line.rstrip("`.,'\"")
                value = line.encode("utf-8")
                if value in seen.setdefault(category, set()):
                    continue
                seen[category].add(value)
                self.place(category, m, path, line, value)

    def place(self, category, m, path, line, value, wrap=None):
        split = L.split_of(line)
        src = "%s:%s" % (m.slug, path)
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if wrap is None and text is not None and category in ("sqli", "xss", "cmdi", "lfi"):
            self.pool.setdefault(category, []).append((line, text, m, path))
        n = 0
        for r in placements(category, line, value, text):
            r.update(source=src, licence=m.licence, split=split)
            self.attacks.append(r)
            n += 1
        self.note_source(m, path, category, n)

    def wrapped(self):
        for name, size, where in WRAPPERS:
            cands = []
            for base in ("sqli", "xss", "cmdi", "lfi"):
                for line, text, m, path in self.pool.get(base, []):
                    cands.append((L.digest(name + "\0" + line), base, line, text, m, path))
            cands.sort(key=lambda c: c[0])
            for _, base, line, text, m, path in cands[:size]:
                category = "wrapped-" + name
                n = 0
                for r in wrapped_placements(name, where, line, text):
                    r.update(category=category, source="%s:%s" % (m.slug, path),
                             licence=m.licence, split=L.split_of(line), wrap=name,
                             wrapped_category=base)
                    self.attacks.append(r)
                    n += 1
                self.note_source(m, path, category, n)

    # -- CRS regression tests
    def crs(self, check_yaml):
        m = self.mirror("crs")
        base = "tests/regression/tests/"
        by_cat = {}
        for path in m.ls(base):
            if not path.endswith(".yaml"):
                continue
            folder = path[len(base):].split("/")[0]
            group = CRS_GROUPS.get(folder[:11])
            for stage, positive in crs_stages(m, path, check_yaml):
                if positive and group:
                    by_cat.setdefault(group, []).append((stage, path))
                elif not positive:
                    self.crs_negative(m, path, stage)
        for (category, quota), stages in sorted(by_cat.items()):
            self.crs_positive(m, category, quota, stages)
        m4 = self.mirror("crs4")
        stages = []
        for f in CRS4_FILES:
            stages += [(s, base + f) for s, pos in crs_stages(m4, base + f, check_yaml) if pos]
        self.crs_positive(m4, "java", None, stages)

    def crs_positive(self, m, category, quota, stages):
        recs, seen = [], set()
        for stage, path in stages:
            r = crs_request(stage)
            if r is None or r["_key"] in seen:
                continue
            seen.add(r["_key"])
            recs.append((L.digest("sample\0" + r["_key"]), r, path))
        recs.sort(key=lambda x: x[0])
        for _, r, path in recs[:quota] if quota else recs:
            r.update(category=category, source="%s@%s:%s" % (m.slug, m.ref, path),
                     licence=m.licence, split=L.split_of(r.pop("_key")), placement="crs-test")
            self.attacks.append(r)
            self.note_source(m, path, category, 1)

    def crs_negative(self, m, path, stage):
        r = crs_request(stage)
        if r is None:
            return
        r.update(category="crs-negative", source="%s@%s:%s" % (m.slug, m.ref, path),
                 licence=m.licence, split=L.split_of(r.pop("_key")), placement="crs-test",
                 not_rule=str(stage["output"].get("no_log_contains", "")))
        self.public_benign.append(r)
        self.note_source(m, path, "crs-negative", 1)

    def libinjection_false_positives(self):
        m = self.mirror("libinjection")
        path = "data/false_positives.txt"
        n = 0
        for line in read_lines(m, path):
            value = decode_line(line, "url_plus")
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            where = L.pick(["query", "json", "form"], line, "fp-place")
            for r in placements("libinjection-fp", line, value, text, only=where):
                r.update(source="%s:%s" % (m.slug, path), licence=m.licence,
                         split=L.split_of(line))
                self.public_benign.append(r)
                n += 1
        self.note_source(m, path, "libinjection-fp", n)


def crs_stages(m, path, check_yaml):
    """(stage, positive) for every usable stage of a CRS test file."""
    text = m.show(path).decode("utf-8")
    doc = mini_yaml.load(text)
    if check_yaml:
        compare_with_pyyaml(path, text, doc)
    for test in doc.get("tests") or []:
        for s in test.get("stages") or []:
            stage = s.get("stage", s)
            out, inp = stage.get("output") or {}, stage.get("input") or {}
            if "raw_request" in inp or "encoded_request" in inp or out.get("expect_error"):
                continue
            if "log_contains" in out:
                yield stage, True
            elif "no_log_contains" in out:
                yield stage, False


def compare_with_pyyaml(path, text, doc):
    try:
        import yaml  # only for this check; the builder itself needs no PyYAML
    except ImportError:
        sys.exit("--check-yaml needs PyYAML")
    ref = yaml.safe_load(text)
    if ref != doc:
        sys.exit("mini_yaml differs from PyYAML on " + path)


def _uri_escape(s):
    """Bytes a request target cannot carry raw (space, controls, '#', non-ASCII) as %XX.
    Characters below U+0100 are bytes (the YAML files write bytes as \\xNN)."""
    out = []
    for ch in s:
        cp = ord(ch)
        if cp <= 0x20 or cp == 0x7F or ch == "#" or cp >= 0x80:
            bs = bytes([cp]) if cp < 0x100 else ch.encode("utf-8")
            out.append("".join("%%%02X" % b for b in bs))
        else:
            out.append(ch)
    return "".join(out)


def crs_request(stage):
    inp = stage["input"]
    uri = str(inp.get("uri", "/"))
    method = str(inp.get("method", "GET"))
    data = inp.get("data")
    if isinstance(data, list):
        data = "\r\n".join(str(x) for x in data)
    elif data is not None:
        data = str(data)
    headers, ctype = {}, None
    for k, v in (inp.get("headers") or {}).items():
        v = "" if v is None else str(v)
        if "\r" in v or "\n" in v:
            return None
        if any(ord(c) > 0xFF for c in v):
            v = v.encode("utf-8").decode("latin-1")
        if k.lower() == "content-type":
            ctype = v
        elif k.lower() not in DROP_HEADERS:
            headers[k] = v
    target = _uri_escape(uri)
    path, _, query = target.partition("?")
    r = L.record(None, None, None, None, method, path or "/", query, headers, ctype, data)
    if data is not None and any(0x80 <= ord(c) <= 0xFF for c in data) and \
            all(ord(c) <= 0xFF for c in data):
        r["body_encoding"] = "latin-1"
    r["_key"] = "\n".join([uri, data or ""] + [str(v) for v in headers.values()])
    return r


# ---- placements ------------------------------------------------------------------------

def placements(category, line, value, text, only=None):
    """Requests carrying value: query, JSON field (when UTF-8), form field, and for one in
    four a cookie / User-Agent / Referer. category is set here; source etc. by the caller."""
    out = []
    d = L.digest(line)
    where = [only] if only else ["query", "json", "form"] + (["header"] if d[2] % 4 == 0 else [])
    for p in where:
        r = one_placement(p, line, value, text)
        if r is not None:
            r["category"] = category
            out.append(r)
    return out


def one_placement(p, line, value, text, raw_query=None):
    """raw_query: already-encoded query/form text for the value (wrapped variants)."""
    enc = raw_query if raw_query is not None else L.pct(value)
    if p == "query":
        name = L.pick(QUERY_NAMES, line, "qn")
        q = "%s=%s" % (name, enc)
        if L.digest(line)[3] % 2:
            q = "limit=20&" + q if L.digest(line)[4] % 2 else q + "&lang=en"
        return L.record(None, None, None, None, "GET", L.pick(QUERY_PATHS, line, "qp"), q,
                        L.base_headers(line), placement="query")
    if p == "json":
        if text is None:
            return None
        name = L.pick(JSON_NAMES, line, "jn")
        body = '{"id": %d, "%s": %s, "locale": "en-US"}' % (
            1000 + L.digest(line)[5], name, L.json_text(text))
        return L.record(None, None, None, None, "POST", L.pick(JSON_PATHS, line, "jp"), "",
                        L.base_headers(line), "application/json", body, placement="json")
    if p == "form":
        name = L.pick(FORM_NAMES, line, "fn")
        body = "%s=%s&csrf_token=7f3a9c2e51d04b8f&submit=Send" % (name, enc)
        return L.record(None, None, None, None, "POST", L.pick(FORM_PATHS, line, "fp"), "",
                        L.base_headers(line, L.ACCEPT_HTML),
                        "application/x-www-form-urlencoded", body, placement="form")
    if p == "header":
        h = L.base_headers(line, L.ACCEPT_HTML)
        kind = L.pick(["cookie", "cookie", "user-agent", "referer"], line, "hk")
        if kind != "cookie" and (text is None or not L.header_safe(text)):
            kind = "cookie"
        if kind == "cookie":
            h["Cookie"] = "session=a81f0c3e9b2d4e67; pref=%s" % L.pct(value)
        elif kind == "user-agent":
            h["User-Agent"] = text
        else:
            h["Referer"] = "https://shop.example.com/search?q=" + L.pct(value)
        return L.record(None, None, None, None, "GET", L.pick(QUERY_PATHS, line, "hp"), "",
                        h, placement=kind)
    raise ValueError(p)


def wrapped_placements(name, where, line, text):
    out = []
    for p in where:
        if name == "base64":
            field = L.pick(B64_NAMES, line, "b64")
            body = '{"id": %d, "%s": "%s", "encoding": "base64"}' % (
                1000 + L.digest(line)[5], field, L.b64(text))
            out.append(L.record(None, None, None, None, "POST", L.pick(JSON_PATHS, line, "jp"),
                                "", L.base_headers(line), "application/json", body,
                                placement="json"))
        elif name == "json-unicode":
            body = '{"id": %d, "%s": %s, "locale": "en-US"}' % (
                1000 + L.digest(line)[5], L.pick(JSON_NAMES, line, "jn"),
                L.json_all_escaped(text))
            out.append(L.record(None, None, None, None, "POST", L.pick(JSON_PATHS, line, "jp"),
                                "", L.base_headers(line), "application/json", body,
                                placement="json"))
        elif name in ("double-url", "percent-u", "overlong-utf8"):
            raw = {"double-url": L.double_url, "percent-u": L.percent_u,
                   "overlong-utf8": L.overlong_utf8}[name](text)
            out.append(one_placement(p, line, None, text, raw_query=raw))
        else:
            v = L.html_entities(text) if name == "html-entities" else L.fullwidth(text)
            out.append(one_placement(p, line, v.encode("utf-8"), v))
    return [r for r in out if r is not None]


# ---- output ----------------------------------------------------------------------------

def write_sources(c, path):
    lines = [
        "# Sources of the WAF corpus",
        "",
        "Written by `build_corpus.py` (do not edit). Each source: repository, commit, file,",
        "licence, the categories it feeds and how many requests came from it. Licence texts:",
        "[LICENSES/](LICENSES/). `benign_generated.jsonl` is written by `generate_benign.py`",
        "from template banks in that script (this repository's licence).",
        "",
        "| repository | commit | file | licence | categories | requests |",
        "|---|---|---|---|---|---|",
    ]
    for (key, f), (cats, n) in sorted(c.sources.items()):
        m = c.mirrors[key]
        ref = "" if m.ref == "HEAD" else " (%s)" % m.ref
        lines.append("| %s | `%s`%s | `%s` | %s | %s | %d |" % (
            m.slug, m.commit[:12], ref, f, m.licence, ", ".join(sorted(cats)), n))
    if c.missing:
        lines += ["", "Listed in the snapshot but absent from it (large files the mirror did "
                  "not hold), so not used:", ""]
        lines += ["- %s `%s`" % (c.mirrors[k].slug, f) for k, f in c.missing]
    lines += ["", "Full commits:", ""]
    for key in sorted(c.mirrors):
        m = c.mirrors[key]
        lines.append("- %s @ %s: `%s`" % (m.slug, m.ref, m.commit))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def write_counts(directory):
    names = ["attacks.jsonl", "benign_generated.jsonl", "benign_public.jsonl"]
    lines = ["# Corpus counts", "", "Written by `build_corpus.py` / `generate_benign.py` "
             "(requests per category and split).", ""]
    for name in names:
        p = os.path.join(directory, name)
        if not os.path.exists(p):
            continue
        counts = {}
        for r in L.load_jsonl(p):
            c = counts.setdefault(r["category"], {"train": 0, "test": 0})
            c[r["split"]] += 1
        lines += ["## " + name, "", "| category | train | test | total |", "|---|---:|---:|---:|"]
        tr = te = 0
        for cat in sorted(counts):
            a, b = counts[cat]["train"], counts[cat]["test"]
            tr, te = tr + a, te + b
            lines.append("| %s%s | %d | %d | %d |" % (cat, " (extra)" if cat in EXTRA else "",
                                                     a, b, a + b))
        lines += ["| **all** | %d | %d | %d |" % (tr, te, tr + te), ""]
    with open(os.path.join(directory, "COUNTS.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def write_licences(c):
    d = os.path.join(HERE, "LICENSES")
    os.makedirs(d, exist_ok=True)
    for key in sorted(c.mirrors):
        m = c.mirrors[key]
        name = "%s-%s.txt" % (m.slug.replace("/", "_"), m.licence)
        with open(os.path.join(d, name), "wb") as f:
            f.write(m.show(m.licence_file))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--check-yaml", action="store_true",
                    help="compare mini_yaml with PyYAML on every CRS file read")
    args = ap.parse_args()
    c = Corpus(args.mirrors)
    c.line_payloads()
    c.wrapped()
    c.crs(args.check_yaml)
    c.libinjection_false_positives()
    L.write_jsonl(os.path.join(HERE, "attacks.jsonl"), c.attacks)
    L.write_jsonl(os.path.join(HERE, "benign_public.jsonl"), c.public_benign)
    write_sources(c, os.path.join(HERE, "SOURCES.md"))
    write_licences(c)
    write_counts(HERE)
    print("attacks: %d requests, public benign: %d requests" % (len(c.attacks),
                                                              len(c.public_benign)))


if __name__ == "__main__":
    main()
