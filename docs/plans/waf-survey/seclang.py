"""A small SecLang reader for the survey: enough of ModSecurity's directive
grammar to take the CRS 3.3 files apart (SecRule, SecAction, SecMarker,
SecDefaultAction, ...). Not the product's parser; it only counts."""
import glob
import re
from dataclasses import dataclass, field

CRS_FILES = (["/etc/modsecurity/crs/crs-setup.conf",
              "/etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf"]
             + sorted(glob.glob("/usr/share/modsecurity-crs/rules/*.conf"))
             + ["/etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf"])


@dataclass
class Directive:
    name: str
    args: list
    file: str
    line: int


@dataclass
class Rule:
    kind: str                 # SecRule / SecAction
    file: str
    line: int
    variables: list = field(default_factory=list)
    negated_op: bool = False
    operator: str = ""
    op_arg: str = ""
    actions: list = field(default_factory=list)   # (name, value or None)
    parent: "Rule" = None     # chain head for chained rules
    chained: list = field(default_factory=list)

    def action(self, name):
        for n, v in self.actions:
            if n == name:
                return v
        return None

    def all(self, name):
        return [v for n, v in self.actions if n == name]


def logical_lines(path):
    """Joins backslash-continued lines; drops comments and blanks."""
    buf, start = "", 0
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not buf and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if not buf:
                start = no
            if line.endswith("\\"):
                buf += line[:-1]
                continue
            buf += line
            yield start, buf.strip()
            buf = ""
    if buf:
        yield start, buf.strip()


def split_args(text):
    """Splits a directive line into its words: "quoted" (with \\" escapes) or bare."""
    out, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            i += 1
            word = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] == '"':
                    word.append('"')
                    i += 2
                    continue
                word.append(text[i])
                i += 1
            i += 1
            out.append("".join(word))
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            out.append(text[i:j])
            i = j
    return out


def split_outside(text, sep, quote="'", slashes=False):
    """Splits on `sep` outside 'quotes' (and outside /regex/ when slashes)."""
    parts, cur, in_q, in_slash = [], [], False, False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if c == quote and not in_slash:
            in_q = not in_q
        elif slashes and c == "/" and not in_q:
            # a /regex/ selector starts right after ':' and ends at the next '/'
            if in_slash or (cur and "".join(cur).endswith(":")):
                in_slash = not in_slash
        if c == sep and not in_q and not in_slash:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_actions(text):
    acts = []
    for part in split_outside(text, ","):
        if ":" in part:
            name, value = part.split(":", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
                value = value[1:-1]
            acts.append((name.strip(), value))
        else:
            acts.append((part.strip(), None))
    return acts


def parse_operator(text):
    neg = False
    t = text
    if t.startswith("!"):
        neg, t = True, t[1:]
    if t.startswith("@"):
        name, _, arg = t.partition(" ")
        return neg, name, arg
    return neg, "@rx", t          # a bare pattern is @rx


def load(files=CRS_FILES):
    directives, rules = [], []
    chain_head, last = None, None
    for path in files:
        for line, text in logical_lines(path):
            words = split_args(text)
            name = words[0]
            if name == "SecRule":
                r = Rule("SecRule", path, line, variables=split_outside(words[1], "|", slashes=True))
                r.negated_op, r.operator, r.op_arg = parse_operator(words[2])
                r.actions = parse_actions(words[3]) if len(words) > 3 else []
            elif name == "SecAction":
                r = Rule("SecAction", path, line, actions=parse_actions(words[1]))
            else:
                directives.append(Directive(name, words[1:], path, line))
                continue
            if chain_head is not None:
                r.parent = chain_head
                chain_head.chained.append(r)
            else:
                rules.append(r)
            # a chain continues while the last link says `chain`
            if any(n == "chain" for n, _ in r.actions):
                chain_head = chain_head or r
            else:
                chain_head = None
    return directives, rules


def links(rule):
    return [rule] + rule.chained


PHASES = {"request": "2", "response": "4"}


def phase(rule):
    head = rule.parent or rule
    p = head.action("phase") or "2"   # SecDefaultAction phase:2 for rules without
    return PHASES.get(p, p)


def paranoia(rule):
    head = rule.parent or rule
    for t in head.all("tag"):
        m = re.match(r"paranoia-level/(\d)", t)
        if m:
            return int(m.group(1))
    return 0
