#!/usr/bin/env python3
"""Can the three 'Pattern is too large' RCE patterns compile exactly when the
biggest alternation group is distributed into several patterns? (prefix (A|B|..) suffix
-> prefix A suffix, prefix B suffix, ...)"""
import json
from hs_check import hs_one, hs_multi, DOTALL, MULTILINE, hs

def groups(p):
    """(start, end, top-level '|' positions) of every (?:...) group."""
    out, stack, i = [], [], 0
    while i < len(p):
        c = p[i]
        if c == "\\": i += 2; continue
        if c == "[":
            j = i + 1
            if j < len(p) and p[j] == "^": j += 1
            if j < len(p) and p[j] == "]": j += 1
            while p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            i = j + 1; continue
        if c == "(": stack.append((i, []))
        elif c == "|" and stack: stack[-1][1].append(i)
        elif c == ")":
            s, bars = stack.pop(); out.append((s, i, bars))
        i += 1
    return out

rows = {r["id"]: r for r in json.load(open("rx_patterns.json"))}
base = DOTALL | MULTILINE
for rid in ("932100", "932105", "932150"):
    p = rows[rid]["pattern"]
    s, e, bars = max(groups(p), key=lambda g: g[1] - g[0])
    head = s + (3 if p.startswith("(?:", s) else 1)
    cuts = [head] + [b + 1 for b in bars] 
    branches = [p[a:b] for a, b in zip(cuts, [b for b in bars] + [e])]
    pats = [(p[:s] + "(?:" + br + ")" + p[e + 1:]).encode() for br in branches]
    bad = [i for i, x in enumerate(pats) if hs_one(x, base)]
    db, size, dt = hs_multi(pats, [base] * len(pats))
    print(rid, f"len {len(p)}: biggest group has {len(branches)} branches; single failures {len(bad)};",
          "multi db", "FAILED " + str(size) if db is None else f"{size//1024} KiB in {dt:.2f}s")
    if db: hs.hs_free_database(db)
