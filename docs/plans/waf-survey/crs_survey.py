#!/usr/bin/env python3
"""Survey of the CRS rules Debian ships: what the SecRule subset must cover.
Writes survey.txt (counts) and rx_patterns.tsv (every @rx with rule id, phase,
PL, targets, transformations) for hs_check.py."""
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import seclang  # noqa: E402

OUT = os.path.dirname(os.path.abspath(__file__))


def var_key(v):
    """ARGS, REQUEST_HEADERS:User-Agent, TX:/regex/ ... → a counted form."""
    prefix = ""
    if v.startswith("!"):
        prefix, v = "!", v[1:]
    if v.startswith("&"):
        prefix, v = prefix + "&", v[1:]
    coll, _, sel = v.partition(":")
    if not sel:
        return prefix + coll, prefix + coll
    if sel.startswith("/"):
        return prefix + coll, prefix + coll + ":/regex/"
    if coll.upper() == "TX":
        return prefix + coll, prefix + "TX:" + sel.lower()
    return prefix + coll, prefix + coll + ":" + sel


# PCRE features Hyperscan rejects (or only takes as a prefilter).
FEATURES = {
    "backreference": re.compile(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g\{?-?\d|k[<{'])"),
    "lookahead": re.compile(r"\(\?!|\(\?="),
    "lookbehind": re.compile(r"\(\?<[=!]"),
    "atomic_group": re.compile(r"\(\?>"),
    "possessive": re.compile(r"(?<!\\)(?:[*+?}])\+"),
    "\\K": re.compile(r"\\K"),
    "recursion": re.compile(r"\(\?(?:R|\d|&|P>)"),
    "conditional": re.compile(r"\(\?\("),
    "\\G/\\A/\\Z": re.compile(r"\\[GAZ]"),
    "named_group": re.compile(r"\(\?P?<[A-Za-z]"),
}


def main():
    directives, rules = seclang.load()
    C = collections.Counter
    dirs, kinds = C(d.name for d in directives), C(r.kind for r in rules)
    colls, targets, ops, trans, acts, ctls = C(), C(), C(), C(), C(), C()
    tags, sev, by_pl, by_phase, by_file = C(), C(), C(), C(), C()
    setvars, chain_len, rx_rows, pm_words = C(), C(), [], {}
    trans_chains = C()
    ids = []
    for head in rules:
        rid = head.action("id")
        ids.append(rid)
        by_pl[seclang.paranoia(head)] += 1
        by_phase[seclang.phase(head)] += 1
        by_file[os.path.basename(head.file).split("-")[1] if "-" in head.file else head.file] += 1
        chain_len[len(seclang.links(head))] += 1
        for r in seclang.links(head):
            for name, value in r.actions:
                acts[name] += 1
                if name == "ctl":
                    ctls[value.split("=")[0]] += 1
                if name == "t":
                    trans[value] += 1
                if name == "tag":
                    tags[re.sub(r"/\d.*$", "/*", value)] += 1
                if name == "severity":
                    sev[value] += 1
                if name == "setvar":
                    setvars[re.sub(r"=.*", "", value).lower()] += 1
            tchain = ",".join(v for n, v in r.actions if n == "t")
            if r.kind == "SecRule":
                trans_chains[tchain] += 1
                for v in r.variables:
                    c, t = var_key(v)
                    colls[c] += 1
                    targets[t] += 1
                ops[("!" if r.negated_op else "") + r.operator] += 1
                if r.operator == "@rx":
                    rx_rows.append({"id": rid, "link": seclang.links(head).index(r),
                                    "phase": seclang.phase(head), "pl": seclang.paranoia(head),
                                    "targets": r.variables, "t": tchain,
                                    "capture": r.action("capture") is not None,
                                    "negated": r.negated_op, "pattern": r.op_arg})
                if r.operator in ("@pm", "@pmFromFile", "@pmf"):
                    if r.operator == "@pm":
                        n = len(r.op_arg.split())
                    else:
                        path = os.path.join("/usr/share/modsecurity-crs/rules", r.op_arg.strip())
                        with open(path, errors="replace") as f:
                            n = sum(1 for l in f if l.strip() and not l.startswith("#"))
                    pm_words[f"{rid}.{seclang.links(head).index(r)}"] = (r.operator, n, r.op_arg[:60])

    feats = C()
    feat_rules = collections.defaultdict(list)
    for row in rx_rows:
        for fname, rx in FEATURES.items():
            if rx.search(row["pattern"]):
                feats[fname] += 1
                feat_rules[fname].append(row["id"])
    any_feat = sum(1 for row in rx_rows if any(rx.search(row["pattern"])
                                                for k, rx in FEATURES.items() if k != "named_group"))

    with open(os.path.join(OUT, "rx_patterns.json"), "w") as f:
        json.dump(rx_rows, f, indent=0)

    def block(title, counter, limit=None):
        lines = [f"## {title} ({sum(counter.values())} total, {len(counter)} distinct)"]
        for k, v in counter.most_common(limit):
            lines.append(f"  {v:5d}  {k}")
        return "\n".join(lines)

    chained_links = sum(len(r.chained) for r in rules)
    report = [
        f"# CRS survey: {len(seclang.CRS_FILES)} files",
        f"directives other than rules: {dict(dirs)}",
        f"rules (chain heads): {dict(kinds)}; chained links: {chained_links}; "
        f"SecRule+SecAction statements: {len(rules) + chained_links}",
        block("chain length (links per rule)", chain_len),
        block("rules per paranoia level (0 = no paranoia tag: setup/flow/scoring)", by_pl),
        block("rules per phase", by_phase),
        block("rules per file group", by_file),
        block("collections (per variable occurrence)", colls),
        block("targets (collection:selector)", targets, 80),
        block("operators (per link)", ops),
        block("transformations (per occurrence)", trans),
        block("transformation pipelines (per link, distinct t: sequences)", trans_chains, 40),
        block("actions (per occurrence)", acts),
        block("ctl: kinds", ctls),
        block("setvar targets", setvars, 40),
        block("tags (versions folded)", tags, 40),
        block("severity", sev),
        f"## @rx patterns: {len(rx_rows)}; with a feature Hyperscan lacks "
        f"(excluding named groups): {any_feat}",
        block("PCRE features in @rx patterns (pattern counts)", feats),
        "  " + "\n  ".join(f"{k}: {v[:30]}" for k, v in feat_rules.items()),
        "## @pm / @pmFromFile rules: " + str(len(pm_words)),
        "  " + "\n  ".join(f"{k}: {v}" for k, v in pm_words.items()),
    ]
    # paranoia x phase for rules that score (severity or anomaly setvar)
    grid = collections.Counter(); rx_pl = collections.Counter(); capt = 0; chain_uses = collections.Counter()
    native_ops = collections.Counter()
    for head in rules:
        scores = any(n == "setvar" and "anomaly_score" in (v or "") for r in seclang.links(head) for n, v in r.actions)
        if scores:
            grid[(seclang.paranoia(head), seclang.phase(head))] += 1
        for i, r in enumerate(seclang.links(head)):
            if r.kind == "SecRule" and r.operator == "@rx":
                rx_pl[seclang.paranoia(head)] += 1
            if i > 0:
                for v in r.variables:
                    chain_uses[v.split(":")[0] + (":" + v.split(":")[1] if v.upper().startswith("TX:") and v.split(":")[1].isdigit() else "")] += 1
        if any(n == "capture" for r in seclang.links(head) for n, _ in r.actions):
            capt += 1
    report.append("## scoring rules by paranoia level x phase\n" + "\n".join(
        f"  PL{pl} phase {ph}: {n}" for (pl, ph), n in sorted(grid.items())))
    report.append(block("@rx links by paranoia level of their rule", rx_pl))
    report.append(f"## rules with capture: {capt}")
    report.append(block("variables read by chained links (2nd link on)", chain_uses))
    text = "\n\n".join(report)
    with open(os.path.join(OUT, "survey.txt"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
