"""Shared pieces of the WAF corpus scripts: the split rule, request records, placements.

Python 3 standard library only. Everything here is deterministic: no clock, no unseeded
randomness, no dict-order surprises (records are written in generation order).
"""

import base64
import hashlib
import json
import re
from urllib.parse import quote, quote_from_bytes

# The shared split rule (helper brief): train iff the first byte of SHA-256 of the payload's
# raw UTF-8 bytes (the source line, trimmed) is < 179 (~70 %); otherwise test.
TRAIN_BELOW = 179


def digest(key):
    if isinstance(key, str):
        key = key.encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).digest()


def split_of(key):
    return "train" if digest(key)[0] < TRAIN_BELOW else "test"


def pick(bank, key, salt=""):
    """A deterministic choice from bank for key (independent of the split byte)."""
    d = digest(salt + "\0" + key if isinstance(key, str) else salt.encode() + b"\0" + key)
    return bank[int.from_bytes(d[1:5], "big") % len(bank)]


USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "curl/7.88.1",
    "python-requests/2.31.0",
    "okhttp/4.12.0",
    "MyShopApp/3.4.1 (iPhone; iOS 17.2; Scale/3.00)",
]
ACCEPT_JSON = "application/json"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HOST = "api.example.com"


def base_headers(key, accept=ACCEPT_JSON):
    """Headers every generated request carries, as a browser or API client would."""
    return {
        "Host": HOST,
        "User-Agent": pick(USER_AGENTS, key, "ua"),
        "Accept": accept,
        "Accept-Language": pick(["en-US,en;q=0.9", "de-DE,de;q=0.8,en;q=0.5", "fr-FR,fr;q=0.9",
                                 "en-GB,en;q=0.7", "ja-JP,ja;q=0.9,en;q=0.5"], key, "lang"),
    }


def record(category, source, licence, split, method, path, query="", headers=None,
           content_type=None, body=None, **extra):
    r = {
        "id": None,  # numbered when written
        "category": category,
        "source": source,
        "licence": licence,
        "split": split,
        "method": method,
        "path": path,
        "query": query,
        "headers": headers or {},
        "content_type": content_type,
        "body": body,
    }
    r.update(extra)
    return r


def write_jsonl(path, records, prefix=""):
    counters = {}
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            n = counters.get(r["category"], 0) + 1
            counters[r["category"]] = n
            r["id"] = "%s%s-%05d" % (prefix, r["category"], n)
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- encodings used to place a value in a request -------------------------------------

def pct(value, safe=""):
    """Percent-encode as a form/URL component (RFC 3986 unreserved kept)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return quote_from_bytes(value, safe=safe)


def json_text(value):
    """A JSON string literal, as a typical encoder writes it (non-ASCII kept as UTF-8)."""
    return json.dumps(value, ensure_ascii=False)


def json_all_escaped(value):
    r"""A JSON string literal with every character as \uXXXX (surrogate pairs above U+FFFF)."""
    out = []
    for ch in value:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)))
        else:
            out.append("\\u%04x" % cp)
    return '"' + "".join(out) + '"'


_ALNUM = re.compile(r"[A-Za-z0-9]")


def double_url(value):
    """Raw query text that decodes twice to value: specials as %25XX."""
    once = pct(value)
    return once.replace("%", "%25")


def percent_u(value):
    """Raw query text with every non-alphanumeric character as %uXXXX (IIS style)."""
    out = []
    for ch in value:
        if _ALNUM.match(ch):
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append("%%u%04X" % ord(ch))
        else:
            out.append(pct(ch))
    return "".join(out)


def overlong_utf8(value):
    """Raw query text with ASCII specials as 2-byte overlong UTF-8 (%C0%A7 for ')."""
    out = []
    for ch in value:
        cp = ord(ch)
        if _ALNUM.match(ch):
            out.append(ch)
        elif cp < 0x80:
            out.append("%%%02X%%%02X" % (0xC0 | (cp >> 6), 0x80 | (cp & 0x3F)))
        else:
            out.append(pct(ch))
    return "".join(out)


_HTML_NAMED = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "&": "&amp;", "'": "&#39;"}


def html_entities(value):
    """Every ASCII special as an HTML entity (named for the five, decimal or hex otherwise)."""
    out = []
    for i, ch in enumerate(value):
        if _ALNUM.match(ch) or ch == " ":
            out.append(ch)
        elif ch in _HTML_NAMED:
            out.append(_HTML_NAMED[ch])
        elif ord(ch) < 0x80:
            out.append("&#%d;" % ord(ch) if i % 2 == 0 else "&#x%x;" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def fullwidth(value):
    """ASCII '!'..'~' as the fullwidth forms U+FF01..U+FF5E, space as U+3000."""
    out = []
    for ch in value:
        cp = ord(ch)
        if 0x21 <= cp <= 0x7E:
            out.append(chr(cp - 0x21 + 0xFF01))
        elif ch == " ":
            out.append("\u3000")
        else:
            out.append(ch)
    return "".join(out)


def b64(value):
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def header_safe(value):
    """True if value can travel as a raw header value (printable ASCII, no CR/LF)."""
    return all(0x20 <= ord(c) < 0x7F for c in value) and value == value.strip()
