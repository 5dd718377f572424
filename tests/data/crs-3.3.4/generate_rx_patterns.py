#!/usr/bin/env python3
"""Writes rx_patterns.tsv: every @rx operator (negated ones too) of the OWASP
Core Rule Set 3.3.4 as Debian ships it (package modsecurity-crs, upstream
v3.3.4 plus security backports; /usr/share/modsecurity-crs/rules/*.conf
after /etc/modsecurity/crs/crs-setup.conf, in owasp-crs.load's order).

One line per @rx, in load order, tab-separated:
  id      the rule id (of the chain's first rule for a chained link)
  link    0 for the rule itself, 1.. for its chained links
  phase   1..5
  pattern the operator argument as ModSecurity receives it (SecLang quoting
          undone: \\" is "), byte for byte

The SecLang reading is the survey's (docs/plans/waf-survey/seclang.py).
The Core Rule Set is Apache-2.0 (see NOTICE in this folder).

Usage: tests/data/crs-3.3.4/generate_rx_patterns.py > tests/data/crs-3.3.4/rx_patterns.tsv
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "docs", "plans", "waf-survey"))
import seclang  # noqa: E402


def main():
    _, rules = seclang.load()
    out = sys.stdout.buffer
    out.write(b"# id\tlink\tphase\tpattern\n")
    count = 0
    for head in rules:
        rid = head.action("id")
        for index, link in enumerate(seclang.links(head)):
            if link.kind != "SecRule" or link.operator != "@rx":
                continue
            pattern = link.op_arg.encode("utf-8", "surrogateescape")
            if b"\t" in pattern or b"\n" in pattern:
                sys.exit(f"rule {rid}: pattern holds a tab or line feed")
            out.write(f"{rid}\t{index}\t{seclang.phase(head)}\t".encode() + pattern + b"\n")
            count += 1
    print(f"{count} @rx patterns", file=sys.stderr)


if __name__ == "__main__":
    main()
