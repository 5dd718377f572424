#!/usr/bin/env python3
"""Which CRS @rx patterns can match ANY string written only in a small
alphabet? (Python's sre_parse AST; every character class restricted to the
alphabet; anchors, \\b and lookarounds over-approximated as satisfiable.) A
value whose bytes all lie in the alphabet needs only the patterns that can."""
import json, re, sys
import re._parser as sp
import re._constants as sc

ALPHABETS = {
    "digits": set(b"0123456789.-"),
    "token": set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"),
    "words": set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.- ,"),
    "prose": set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.- ,!?:'()"),
}
CAT = {sc.CATEGORY_DIGIT: set(b"0123456789"), sc.CATEGORY_SPACE: set(b" \t\n\r\f\v"),
       sc.CATEGORY_WORD: set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")}
ALL = set(range(256))
for k in list(CAT):
    pass
CAT[sc.CATEGORY_NOT_DIGIT] = ALL - CAT[sc.CATEGORY_DIGIT]
CAT[sc.CATEGORY_NOT_SPACE] = ALL - CAT[sc.CATEGORY_SPACE]
CAT[sc.CATEGORY_NOT_WORD] = ALL - CAT[sc.CATEGORY_WORD]

def fold(s, ic):
    if not ic: return s
    out = set(s)
    for c in s:
        if 65 <= c <= 90: out.add(c + 32)
        if 97 <= c <= 122: out.add(c - 32)
    return out

def class_set(items, ic):
    neg, s = False, set()
    for op, av in items:
        if op == sc.NEGATE: neg = True
        elif op == sc.LITERAL: s.add(av)
        elif op == sc.RANGE: s |= set(range(av[0], av[1] + 1))
        elif op == sc.CATEGORY: s |= CAT[av]
    s = fold(s, ic)
    return (ALL - s) if neg else s

def sat(seq, alpha, ic):
    """Can this sequence match some string over alpha? (over-approximate)"""
    for op, av in seq:
        if not sat1(op, av, alpha, ic): return False
    return True

def sat1(op, av, alpha, ic):
    if op == sc.LITERAL: return bool(fold({av}, ic) & alpha)
    if op == sc.NOT_LITERAL: return bool(alpha - fold({av}, ic))
    if op == sc.ANY: return bool(alpha)
    if op == sc.IN: return bool(class_set(av, ic) & alpha)
    if op in (sc.AT, sc.ASSERT, sc.ASSERT_NOT, sc.GROUPREF, sc.GROUPREF_EXISTS): return True
    if op == sc.BRANCH: return any(sat(b, alpha, ic) for b in av[1])
    if op == sc.SUBPATTERN:
        add = av[1]
        return sat(av[3], alpha, ic or bool(add & sc.SRE_FLAG_IGNORECASE))
    if op in (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        return lo == 0 or sat(sub, alpha, ic)
    if op == sc.ATOMIC_GROUP: return sat(av, alpha, ic)
    if op == sc.CATEGORY: return bool(CAT[av] & alpha)
    raise ValueError(op)

def main():
    rows = json.load(open("rx_patterns.json"))
    sel = [r for r in rows if r["phase"] == "2" and any("ARGS" in t for t in r["targets"])]
    fails = []
    res = {a: {1: 0, 2: 0, 4: 0} for a in ALPHABETS}
    tot = {1: 0, 2: 0, 4: 0}
    keep = {a: [] for a in ALPHABETS}
    for r in sel:
        p = r["pattern"]
        try:
            tree = sp.parse(p.replace("\\\\", "\\x5c") if False else p)
        except Exception as e:
            fails.append((r["id"], str(e)[:60])); continue
        ic = bool(tree.state.flags & sc.SRE_FLAG_IGNORECASE)
        for pl in (1, 2, 4):
            if r["pl"] <= pl: tot[pl] += 1
        for a, alpha in ALPHABETS.items():
            ok = sat(list(tree), alpha, ic) if not r["negated"] else True
            if ok:
                keep[a].append((r["id"], r["link"], r["pl"]))
                for pl in (1, 2, 4):
                    if r["pl"] <= pl: res[a][pl] += 1
    print(f"phase-2 @rx patterns aimed at ARGS: {len(sel)}; sre_parse failures: {fails}")
    print("patterns (PL1 / PL<=2 / PL<=4) that can match a value written only in the alphabet:")
    print(f"  {'any byte':8s} {tot[1]:4d} {tot[2]:4d} {tot[4]:4d}")
    for a in ALPHABETS:
        print(f"  {a:8s} {res[a][1]:4d} {res[a][2]:4d} {res[a][4]:4d}   PL1: {[i for i, l, pl in keep[a] if pl <= 1]}")
    json.dump({a: [f"{i}.{l}" for i, l, pl in keep[a]] for a in keep}, open("alphabet_keep.json", "w"))

main()
