#!/usr/bin/env python3
"""Required-byte gating: for each @rx pattern, a byte set R such that every
match contains a byte of R (sre_parse AST; the mandatory element whose set is
rarest in prose is chosen). A value without any byte of R cannot match, so the
pattern is not scanned over it. Estimates the cost left for benign values using
the single-pattern costs hs_probe4 measured (ns per byte)."""
import json, sys
import re._parser as sp
import re._constants as sc
from alphabet_check import CAT, ALL, fold, class_set

WORDISH = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ")
def weight(s):  # how common in prose: letters/digits/space are common
    return sum(10 if c in WORDISH else 1 for c in s)

def req(seq, ic):
    best = None
    for op, av in seq:
        r = req1(op, av, ic)
        if r is not None and (best is None or weight(r) < weight(best)):
            best = r
    return best

def req1(op, av, ic):
    if op == sc.LITERAL: return fold({av}, ic)
    if op == sc.IN: return class_set(av, ic)
    if op == sc.CATEGORY: return CAT[av]
    if op == sc.NOT_LITERAL: return ALL - fold({av}, ic)
    if op == sc.BRANCH:
        out = set()
        for b in av[1]:
            r = req(b, ic)
            if r is None: return None
            out |= r
        return out
    if op == sc.SUBPATTERN: return req(av[3], ic or bool(av[1] & sc.SRE_FLAG_IGNORECASE))
    if op in (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT):
        return req(av[2], ic) if av[0] >= 1 else None
    if op == sc.ATOMIC_GROUP: return req(av, ic)
    return None  # ANY, anchors, assertions, backrefs: no requirement

def main():
    rows = {f"{r['id']}.{r['link']}": r for r in json.load(open("rx_patterns.json"))}
    costs = {}
    for l in open("pattern_costs.tsv"):
        i, link, pl, c, pat = l.rstrip("\n").split("\t", 4)
        costs.setdefault(f"{i}.{link}", []).append((float(c), pat, int(pl)))
    vals = [l.rstrip("\n").encode() for l in open(sys.argv[1] if len(sys.argv) > 1 else "probe_values.txt")]
    total = sum(len(v) + 1 for v in vals)
    full = gated = 0.0
    special_only = 0; n = 0; none_req = []
    for key, lst in costs.items():
        for c, pat, pl in lst:
            if pl > 1 or key.startswith("900"): continue
            n += 1
            full += c * total
            try:
                t = sp.parse(pat); r = req(list(t), bool(t.state.flags & sc.SRE_FLAG_IGNORECASE))
            except Exception:
                r = None
            if r is None: none_req.append(key)
            if r is not None and not (r & WORDISH): special_only += 1
            active = sum(len(v) + 1 for v in vals if r is None or (set(v) & r))
            gated += c * active
    print(f"PL1 ARGS patterns (after splitting the RCE giants): {n}; with a required byte set "
          f"of punctuation only: {special_only}; no requirement found: {len(set(none_req))} {sorted(set(none_req))}")
    print(f"single-pattern cost sum over {total} B: all bytes {full/1000:.1f} us; "
          f"only values holding a required byte {gated/1000:.1f} us")

main()
