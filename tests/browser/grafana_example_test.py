#!/usr/bin/env python3
"""examples/grafana-dashboard.json is a dashboard Grafana imports (valid JSON,
the import's datasource input, panels with targets) and every metric its
PromQL names is one centinela exports (its name appears in src/).

  grafana_example_test.py DASHBOARD_JSON SRC_DIR
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def check_promql(dashboard):
    """Every expression parses, as promtool parses a rule's (where installed)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return
    rules = {"groups": [{"name": "grafana_example", "rules": [
        {"record": f"example_panel{panel['id']}_{target['refId']}", "expr": target["expr"]}
        for panel in dashboard["panels"] for target in panel["targets"]]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        json.dump(rules, f)  # JSON is YAML
        f.flush()
        result = subprocess.run([promtool, "check", "rules", f.name], capture_output=True,
                                text=True)
        assert result.returncode == 0, f"promtool: {result.stdout}{result.stderr}"


def main():
    path, src = sys.argv[1], sys.argv[2]
    dashboard = json.load(open(path))
    assert dashboard["__inputs"][0]["pluginId"] == "prometheus", "a Prometheus datasource input"
    assert dashboard["title"] and dashboard["uid"], "title and uid"
    sources = ""
    for root, _, files in os.walk(src):
        for name in files:
            if name.endswith((".cpp", ".h")):
                sources += open(os.path.join(root, name), errors="replace").read()
    known = set(re.findall(r'"((?:centinela|process)_[a-z0-9_]+)"', sources))
    ids = set()
    for panel in dashboard["panels"]:
        assert panel["id"] not in ids, f"duplicate panel id {panel['id']}"
        ids.add(panel["id"])
        assert panel["targets"], f"{panel['title']}: no query"
        for target in panel["targets"]:
            names = re.findall(r"\b((?:centinela|process)_[a-z0-9_]+)", target["expr"])
            assert names, f"{panel['title']}: no metric in {target['expr']}"
            for name in names:
                base = re.sub(r"_(bucket|count|sum)$", "", name)
                assert name in known or base in known, f"{panel['title']}: unknown metric {name}"
    check_promql(dashboard)
    print(f"grafana_example_test: OK ({len(ids)} panels)")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, KeyError, ValueError) as failure:
        print(f"grafana_example_test: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
