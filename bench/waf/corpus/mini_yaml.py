"""A small YAML reader for the CRS regression test files (python3 standard library only).

It reads the subset those files use: block mappings and sequences (`- key: value` items
included), plain / 'single' / "double" quoted scalars (multi-line quoted scalars folded as
YAML folds them), block scalars (| |- > >-), empty flow collections and flat flow
sequences, comments. Anything else raises ValueError instead of guessing.
`build_corpus.py --check-yaml` compares it with PyYAML when PyYAML happens to be installed.
"""

import re

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_INT = re.compile(r"^[-+]?[0-9]+$")


class _Lines:
    def __init__(self, text):
        self.raw = text.split("\n")
        self.i = 0

    def skip_blank(self):
        while self.i < len(self.raw):
            s = self.raw[self.i].strip()
            if s and not s.startswith("#") and s != "---" and s != "...":
                return
            self.i += 1

    def peek(self):
        self.skip_blank()
        if self.i >= len(self.raw):
            return None
        line = self.raw[self.i].rstrip()
        return len(line) - len(line.lstrip(" ")), line.lstrip(" ")


def _resolve_plain(s):
    if s in ("true", "True", "TRUE"):
        return True
    if s in ("false", "False", "FALSE"):
        return False
    if s in ("null", "Null", "NULL", "~", ""):
        return None
    if _INT.match(s):
        return int(s)
    return s


def _strip_comment(s):
    """A plain scalar ends at ' #'."""
    m = re.search(r"\s#", s)
    return (s[: m.start()] if m else s).rstrip()


def _unescape_double(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in _HEX_ESCAPES:
            n = _HEX_ESCAPES[e]
            out.append(chr(int(body[i + 2: i + 2 + n], 16)))
            i += 2 + n
        elif e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        else:
            raise ValueError("unknown escape \\" + e)
    return "".join(out)


def _find_close(s, quote, start):
    """Index of the closing quote in s from start, or -1."""
    i = start
    while i < len(s):
        if quote == '"' and s[i] == "\\":
            i += 2
            continue
        if s[i] == quote:
            if quote == "'" and i + 1 < len(s) and s[i + 1] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def _fold(parts):
    """YAML line folding of a multi-line flow scalar: one break -> space, n breaks -> n-1 LF."""
    out, empties = parts[0].rstrip(" \t"), 0
    for p in parts[1:]:
        p = p.strip(" \t")
        if p == "":
            empties += 1
            continue
        out += ("\n" * empties if empties else " ") + p
        empties = 0
    return out + "\n" * empties if empties else out


def _quoted(lines, first, quote):
    """first starts with the quote; continues over following lines if needed."""
    close = _find_close(first, quote, 1)
    parts = [first]
    while close < 0:
        lines.i += 1
        if lines.i >= len(lines.raw):
            raise ValueError("unterminated quoted scalar")
        nxt = lines.raw[lines.i]
        close = _find_close(nxt, quote, 0)
        parts.append(nxt)
    last = parts[-1]
    rest = last[close + 1:].strip()
    if rest and not rest.startswith("#"):
        raise ValueError("text after quoted scalar: " + rest)
    parts[-1] = last[:close]
    parts[0] = parts[0][1:]  # the opening quote
    lines.i += 1
    if quote == "'":
        return _fold(parts).replace("''", "'")
    # A trailing backslash joins lines without a space.
    text = parts[0]
    for p in parts[1:]:
        if text.endswith("\\") and not text.endswith("\\\\"):
            text = text[:-1] + p.lstrip(" \t")
        else:
            text = _fold([text, p]) if p.strip() else text + "\n"
    return _unescape_double(text)


def _block_scalar(lines, header, parent_indent):
    style, chomp = header[0], header[1:2]
    lines.i += 1
    body, indent = [], None
    while lines.i < len(lines.raw):
        line = lines.raw[lines.i]
        if line.strip() == "":
            body.append("")
            lines.i += 1
            continue
        ind = len(line) - len(line.lstrip(" "))
        if ind <= parent_indent:
            break
        indent = ind if indent is None else indent
        body.append(line[indent:])
        lines.i += 1
    while body and body[-1] == "":
        body.pop()
    text = "\n".join(body) if style == "|" else _fold(body)
    return text if chomp == "-" else text + "\n"


def _flow(s):
    s = _strip_comment(s)
    if s in ("[]", "{}"):
        return [] if s == "[]" else {}
    if s.startswith("[") and s.endswith("]"):
        return [_resolve_plain(x.strip()) for x in s[1:-1].split(",")]
    raise ValueError("flow collection not supported: " + s)


def _scalar(lines, text, parent_indent):
    if text[:1] in ('"', "'"):
        return _quoted(lines, text, text[0])
    if text[:1] in ("|", ">"):
        return _block_scalar(lines, text.strip(), parent_indent)
    if text[:1] in ("[", "{"):
        lines.i += 1
        return _flow(text)
    if text[:1] in ("&", "*", "!", "%", "@", "`"):
        raise ValueError("unsupported scalar start: " + text)
    parts = [_strip_comment(text)]
    lines.i += 1
    # A plain scalar may continue on more-indented lines.
    while lines.i < len(lines.raw):
        line = lines.raw[lines.i]
        ind = len(line) - len(line.lstrip(" "))
        st = line.strip()
        if st == "" or ind <= parent_indent or st.startswith("#"):
            break
        parts.append(_strip_comment(st))
        lines.i += 1
    return _resolve_plain(_fold(parts) if len(parts) > 1 else parts[0])


def _split_key(text):
    """'key: value' -> (key, value) or None."""
    if text[:1] in ('"', "'"):
        close = _find_close(text, text[0], 1)
        if close < 0 or text[close + 1: close + 2] != ":":
            return None
        key = text[1:close]
        key = _unescape_double(key) if text[0] == '"' else key.replace("''", "'")
        rest = text[close + 2:]
    else:
        m = re.search(r":(\s|$)", text)
        if not m:
            return None
        key, rest = text[: m.start()], text[m.start() + 1:]
    if rest and not rest[0].isspace():
        return None
    return key, rest.strip()


def _node(lines, indent):
    p = lines.peek()
    if p is None:
        return None
    ind, text = p
    if text == "-" or text.startswith("- "):
        return _sequence(lines, ind)
    return _mapping(lines, ind)


def _value_after_key(lines, rest, ind):
    if rest == "" or rest.startswith("#"):
        lines.i += 1
        p = lines.peek()
        if p is None:
            return None
        nind, ntext = p
        if nind > ind or (nind == ind and (ntext == "-" or ntext.startswith("- "))):
            return _node(lines, nind)
        return None
    return _scalar(lines, rest, ind)


def _mapping(lines, ind):
    out = {}
    while True:
        p = lines.peek()
        if p is None or p[0] < ind:
            return out
        if p[0] > ind:
            raise ValueError("bad indentation at line %d" % (lines.i + 1))
        text = p[1]
        if text == "-" or text.startswith("- "):
            return out
        kv = _split_key(text)
        if kv is None:
            raise ValueError("expected 'key:' at line %d: %r" % (lines.i + 1, text))
        out[kv[0]] = _value_after_key(lines, kv[1], ind)


def _sequence(lines, ind):
    out = []
    while True:
        p = lines.peek()
        if p is None or p[0] != ind or not (p[1] == "-" or p[1].startswith("- ")):
            return out
        rest = p[1][1:].lstrip(" ")
        if rest == "" or rest.startswith("#"):
            lines.i += 1
            nxt = lines.peek()
            out.append(_node(lines, nxt[0]) if nxt and nxt[0] > ind else None)
            continue
        col = ind + (len(p[1]) - len(rest))
        if _split_key(rest) is not None:
            # "- key: v": rewrite the line as a mapping entry at the item's column.
            lines.raw[lines.i] = " " * col + rest
            out.append(_mapping(lines, col))
        else:
            out.append(_scalar(lines, rest, ind))


def load(text):
    lines = _Lines(text)
    return _node(lines, 0)
