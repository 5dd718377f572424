#!/usr/bin/env python3
"""Detection and false-positive run of the WAF corpus against each system (issue 13).

    python3 bench/waf/run.py [--systems nginx,nginx-modsec-pl1,nginx-modsec-pl2,centinela,
                                        centinela-modsec]
                             [--centinela-bin build/centinela] [--out DIR] [--markdown FILE]

Starts an origin that answers 200 to everything (nginx `return 200`), then each system in
turn in front of it, sends every corpus request once (http.client, one keep-alive
connection, one request at a time) and counts 403 (or 400) as detected / blocked. After each answer
it reads what the system appended to its log, so every request gets the rule ids that
fired. Prints markdown tables (test split first; train split separately) and writes the raw
results to OUT/results-SYSTEM.jsonl. Not a CPU benchmark: a busy machine changes nothing.

Adding a system: a class with name, port, available(rundir), start(rundir), stop(), log_path and
rules_in(text) (see NginxSystem, CentinelaSystem), registered in make_system().
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
CONFIGS = os.path.join(HERE, "configs")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MODSEC_MODULE = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so"
ORIGIN_PORT, SYSTEM_PORT, ADMIN_PORT = 18790, 18791, 18792  # --port-base moves them


def set_ports(base):
    global ORIGIN_PORT, SYSTEM_PORT, ADMIN_PORT
    ORIGIN_PORT, SYSTEM_PORT, ADMIN_PORT = base, base + 1, base + 2
    for port in (ORIGIN_PORT, SYSTEM_PORT, ADMIN_PORT):
        # centinela listens with SO_REUSEPORT: a second run on the same ports would share
        # them with the first and count the other run's answers.
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            continue
        raise SystemExit("port %d is in use (another run?): choose --port-base" % port)
CORE = ["sqli", "xss", "cmdi", "lfi", "rfi", "php", "java"]
EXTRA = ["nosql", "ssti", "ldap", "nodejs"]
GENERATED_BENIGN = ["json-prose", "forum-sql", "code-markdown", "search", "cms-html",
                    "base64-image", "jwt", "api-values", "form-post"]
PUBLIC_BENIGN = ["libinjection-fp", "crs-negative"]
DEFAULT_SYSTEMS = "nginx,nginx-modsec-pl1,nginx-modsec-pl2,centinela"


def render(template, **subst):
    with open(os.path.join(CONFIGS, template), encoding="utf-8") as f:
        text = f.read()
    for k in sorted(subst, key=len, reverse=True):  # ORIGIN_PORT before PORT
        text = text.replace(k, str(subst[k]))
    return text


def wait_port(port, proc, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("%s exited during start-up (code %s)" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s did not listen on %d" % (what, port))


def stop_proc(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class NginxSystem:
    """nginx proxying to the origin; with paranoia set, ModSecurity + Debian's CRS."""

    def __init__(self, name, port, paranoia=None, origin=False):
        self.name, self.port, self.paranoia, self.origin = name, port, paranoia, origin
        self.proc = None
        self.log_path = None

    def available(self, rundir):
        if not os.path.exists(NGINX):
            return "no nginx binary"
        if self.paranoia and not os.path.exists(MODSEC_MODULE):
            return "no %s (libnginx-mod-http-modsecurity)" % MODSEC_MODULE
        return None

    def start(self, rundir):
        os.makedirs(os.path.join(rundir, "tmp"), exist_ok=True)
        modsec, load = "", ""
        if self.paranoia:
            load = "load_module %s;" % MODSEC_MODULE
            conf = os.path.join(rundir, self.name + ".modsecurity.conf")
            with open(conf, "w") as f:
                f.write(render("modsecurity.conf", RUNDIR=rundir, PARANOIA=self.paranoia))
            modsec = "modsecurity on;\n    modsecurity_rules_file %s;" % conf
        body = ("location / { return 200 '{\"ok\":true}\\n'; }" if self.origin else
                "location / { proxy_pass http://origin; proxy_http_version 1.1; "
                "proxy_set_header Connection \"\"; }")
        conf = os.path.join(rundir, self.name + ".conf")
        with open(conf, "w") as f:
            f.write(render("nginx-waf.conf", RUNDIR=rundir, NAME=self.name, PORT=self.port,
                           ORIGIN_PORT=ORIGIN_PORT, LOAD_MODULE=load, MODSEC_LINES=modsec,
                           SERVER_BODY=body))
        self.log_path = os.path.join(rundir, self.name + ".error.log")
        args = [NGINX, "-p", rundir, "-e", self.log_path, "-c", conf]
        t = subprocess.run(args + ["-t", "-q"], capture_output=True, text=True)
        if t.returncode:
            raise RuntimeError("nginx rejected %s: %s" % (conf, t.stderr.strip()[-2000:]))
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, self.name)

    def stop(self):
        stop_proc(self.proc)

    @staticmethod
    def rules_in(text):
        # 980xxx are logged in phase 5, after the answer: they could land on the next request.
        return [int(x) for x in re.findall(r'\[id "(\d+)"\]', text) if not x.startswith("98")]


class CentinelaSystem:
    """centinela with a route `waf: {mode: block, paranoia: N}` (configs/centinela-waf.yaml),
    on its own engine or (engine="modsecurity", the centinela-modsec systems) on
    libmodsecurity3 with the same rules: the compatibility engine, ModSecurity's answers
    behind centinela's routes and records.

    Skipped when the binary is missing or `centinela check` rejects the config (a build
    without WAF support rejects the `waf:` key, one without libmodsecurity the modsecurity
    engine). Rule ids come from its incident log."""

    def __init__(self, name, port, binary, paranoia=1, engine="centinela"):
        self.name, self.port, self.binary, self.paranoia = name, port, binary, paranoia
        self.engine = engine
        self.proc = None
        self.log_path = None
        self.rundir = None

    def _config(self, rundir):
        path = os.path.join(rundir, self.name + ".yaml")
        with open(path, "w") as f:
            f.write(render("centinela-waf.yaml", RUNDIR=rundir, PORT=self.port,
                           ADMIN_PORT=ADMIN_PORT, ORIGIN_PORT=ORIGIN_PORT,
                           PARANOIA=self.paranoia, WAF_ENGINE=self.engine))
        return path

    def available(self, rundir):
        if not self.binary or not os.access(self.binary, os.X_OK):
            return "no centinela binary (--centinela-bin)"
        chk = subprocess.run([self.binary, "check", "-c", self._config(rundir)],
                             capture_output=True, text=True)
        if chk.returncode:
            first = (chk.stdout + chk.stderr).strip().splitlines()
            return "`centinela check` rejects the WAF route (no WAF support?): %s" % (
                first[0] if first else "exit %d" % chk.returncode)
        return None

    def start(self, rundir):
        conf = self._config(rundir)
        # Incidents go next to a file access log by default (issue 13).
        self.log_path = os.path.join(rundir, "incidents.log")
        open(self.log_path, "a").close()
        self.proc = subprocess.Popen(
            [self.binary, "run", "-c", conf],
            stdout=open(os.path.join(rundir, self.name + ".stdout.log"), "w"),
            stderr=open(os.path.join(rundir, self.name + ".error.log"), "w"))
        wait_port(self.port, self.proc, self.name)

    def stop(self):
        stop_proc(self.proc)

    def rules_by_request(self):
        """Rule ids by request id (the corpus id, sent as X-Request-ID) from the whole
        incident log."""
        out = collections.defaultdict(list)
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    incident = json.loads(line)
                    out[incident.get("request_id")] += [
                        int(x["rule"]) for x in incident.get("findings", [])
                        if str(x.get("rule", "")).isdigit()]
                except (ValueError, AttributeError, TypeError):
                    continue
        return out

    @staticmethod
    def record_of(body):
        """The incident id of a blocked answer (its incident-log line is awaited)."""
        m = re.search(rb'"incident_id":"(inc_[0-9A-Za-z]+)"', body or b"")
        return m.group(1).decode() if m else None

    @staticmethod
    def rules_in(text):
        out = []
        for line in text.splitlines():
            try:
                out += [int(f["rule"]) for f in json.loads(line).get("findings", [])
                        if str(f.get("rule", "")).isdigit()]
            except (ValueError, AttributeError):
                continue
        return out


def make_system(name, args):
    if name == "nginx":
        return NginxSystem(name, SYSTEM_PORT)
    m = re.fullmatch(r"nginx-modsec-pl([1-4])", name)
    if m:
        return NginxSystem(name, SYSTEM_PORT, paranoia=int(m.group(1)))
    m = re.fullmatch(r"centinela(-modsec)?(?:-pl([1-4]))?", name)
    if m:
        return CentinelaSystem(name, SYSTEM_PORT, args.centinela_bin, int(m.group(2) or 1),
                               engine="modsecurity" if m.group(1) else "centinela")
    raise SystemExit("unknown system %r (nginx, nginx-modsec-pl1..4, centinela[-pl1..4], "
                     "centinela-modsec[-pl1..4])" % name)


def paranoia_of(system):
    m = re.search(r"-pl([1-4])$", system)
    return int(m.group(1)) if m else (1 if system.startswith("centinela") else None)


# ---- sending ---------------------------------------------------------------------------

def encode_header(v):
    return v.encode("latin-1") if all(ord(c) < 0x100 for c in v) else v.encode("utf-8")


def body_bytes(r):
    if r["body"] is None:
        return None
    return r["body"].encode(r.get("body_encoding") or "utf-8")


class Client:
    def __init__(self, port, tag_requests=False):
        self.port = port
        self.conn = None
        self.tag_requests = tag_requests  # send the corpus id as X-Request-ID

    def _send(self, r):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        target = r["path"] + ("?" + r["query"] if r["query"] else "")
        c = self.conn
        c.putrequest(r["method"], target, skip_host=True, skip_accept_encoding=True)
        headers = dict(r["headers"])
        headers.setdefault("Host", "api.example.com")
        if self.tag_requests:
            headers["X-Request-ID"] = r.get("id", "warm-up")
        for k, v in headers.items():
            c.putheader(k, encode_header(v))
        if r["content_type"]:
            c.putheader("Content-Type", r["content_type"])
        body = body_bytes(r)
        if body is not None or r["method"] in ("POST", "PUT", "PATCH"):
            c.putheader("Content-Length", str(len(body or b"")))
        c.endheaders(body)
        resp = c.getresponse()
        self.body = resp.read()
        if resp.will_close:
            self.close()
        return resp.status

    def send(self, r):
        for attempt in (1, 2):
            try:
                return self._send(r)
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    return 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class LogTail:
    def __init__(self, path):
        self.f = open(path, "rb") if path and os.path.exists(path) else None
        if self.f:
            self.f.seek(0, os.SEEK_END)

    def read(self):
        return self.f.read().decode("utf-8", "replace") if self.f else ""


def run_system(system, records, rundir, out_dir):
    system.start(rundir)
    by_request = getattr(system, "rules_by_request", None)
    client = Client(system.port, tag_requests=by_request is not None)
    try:
        warm = {"method": "GET", "path": "/", "query": "", "headers": {}, "content_type": None,
                "body": None}
        client.send(warm)
        time.sleep(0.2)
        tail = LogTail(system.log_path)
        results = {}
        t0 = time.time()
        for r in records:
            client.body = b""
            status = client.send(r)  # the system logs a request's matches before answering
            text = tail.read()
            # centinela writes incidents from a writer thread: wait for this answer's one,
            # so its rules are not counted for the next request.
            wanted = getattr(system, "record_of", lambda body: None)(client.body)
            deadline = time.time() + 2
            while wanted and wanted not in text and time.time() < deadline:
                time.sleep(0.002)
                text += tail.read()
            results[r["id"]] = {"status": status, "rules": sorted(set(system.rules_in(text)))}
        elapsed = time.time() - t0
    finally:
        client.close()
        system.stop()
    if by_request is not None:
        # Its log, complete once it stopped, names each incident's request: rules written
        # after the answer (a log writer thread) cannot land on the next request.
        rules = by_request()
        for rid, res in results.items():
            res["rules"] = sorted(set(rules.get(rid, [])))
    with open(os.path.join(out_dir, "results-%s.jsonl" % system.name), "w") as f:
        for rid, res in results.items():
            f.write(json.dumps(dict(id=rid, **res)) + "\n")
    return results, elapsed


# ---- tables ----------------------------------------------------------------------------

def cell(n, total):
    return "–" if total == 0 else "%d/%d (%.1f %%)" % (n, total, 100.0 * n / total)


def refused(status):
    """The system kept the request from the origin: 403 (the WAF) or 400 (the front door
    refusing a malformed request, e.g. a `%u` escape in the target). Counted alike for
    attacks (detected) and benign requests (false positives)."""
    return status in (400, 403)


def category_order(cats):
    wrapped = sorted(c for c in cats if c.startswith("wrapped-"))
    known = CORE + wrapped + EXTRA + GENERATED_BENIGN + PUBLIC_BENIGN
    return [c for c in known if c in cats] + sorted(c for c in cats if c not in known)


def table(title, rows_of, records, systems, results, label=lambda c: c):
    cats = category_order({r["category"] for r in records})
    lines = ["### " + title, "", "| category | n | " + " | ".join(systems) + " |",
             "|---|---:|" + "---:|" * len(systems)]
    for cat in cats:
        rs = [r for r in records if r["category"] == cat]
        cells = [cell(sum(refused(results[s][r["id"]]["status"]) for r in rs), len(rs))
                 for s in systems]
        lines.append("| %s | %d | %s |" % (label(cat), len(rs), " | ".join(cells)))
    for name, pred in rows_of:
        rs = [r for r in records if pred(r["category"])]
        cells = [cell(sum(refused(results[s][r["id"]]["status"]) for r in rs), len(rs))
                 for s in systems]
        lines.append("| **%s** | %d | %s |" % (name, len(rs), " | ".join(cells)))
    return lines + [""]


def by_placement(records, systems, results, title):
    places = sorted({r.get("placement", "?") for r in records})
    lines = ["### " + title, "", "| placement | n | " + " | ".join(systems) + " |",
             "|---|---:|" + "---:|" * len(systems)]
    for p in places:
        rs = [r for r in records if r.get("placement", "?") == p]
        lines.append("| %s | %d | %s |" % (p, len(rs), " | ".join(
            cell(sum(refused(results[s][r["id"]]["status"]) for r in rs), len(rs)) for s in systems)))
    return lines + [""]


def top_rules(records, systems, results, title, blocked=True, n=12):
    lines = ["### " + title, ""]
    for s in systems:
        c = collections.Counter()
        for r in records:
            res = results[s][r["id"]]
            if refused(res["status"]) == blocked:
                c.update(x for x in res["rules"] if x < 949000 or x > 949999)
        if not c:
            continue
        lines.append("- **%s**: " % s + ", ".join("%d ×%d" % kv for kv in c.most_common(n)))
    return lines + [""]


def other_statuses(records, systems, results):
    lines = ["### Answers other than 200 and 403", "",
             "| system | " + " | ".join(["status", "count", "categories"]) + " |", "|---|---|---:|---|"]
    for s in systems:
        c = collections.Counter()
        cats = collections.defaultdict(set)
        for r in records:
            st = results[s][r["id"]]["status"]
            if st not in (200, 403):
                c[st] += 1
                cats[st].add(r["category"])
        for st, k in sorted(c.items()):
            lines.append("| %s | %s | %d | %s |" % (s, st or "no answer", k, ", ".join(sorted(cats[st]))))
    return lines + [""]


def agreement(records, systems, results):
    """Each centinela system beside nginx + ModSecurity at the same paranoia level: how often
    they give the same answer (403 or not) and, on requests both block, the same rule ids
    (949110 left out; centinela's incident lists at most 8 findings, so a full list only has
    to be among nginx's). The centinela-modsec systems run the same libmodsecurity and CRS, so
    what differs there is the gateway around it (parsing, body bounds, normalisation)."""
    pairs = [(c, n) for c in systems if c.startswith("centinela") for n in systems
             if n.startswith("nginx-modsec") and paranoia_of(n) == paranoia_of(c)]
    if not pairs:
        return []
    lines = ["### Agreement with nginx + ModSecurity at the same paranoia level (all requests)",
             "", "| pair | n | same answer | both block | same rules when both block | "
             "only centinela blocks | only nginx blocks |", "|---|---:|---:|---:|---:|---:|---:|"]
    for c, n in pairs:
        same = both = same_rules = only_c = only_n = 0
        for r in records:
            rc, rn = results[c][r["id"]], results[n][r["id"]]
            bc, bn = rc["status"] == 403, rn["status"] == 403
            same += bc == bn
            only_c += bc and not bn
            only_n += bn and not bc
            if bc and bn:
                both += 1
                cr = {x for x in rc["rules"] if x != 949110}
                nr = {x for x in rn["rules"] if x != 949110}
                # An incident lists at most 8 findings: a full list need only be a subset.
                same_rules += cr <= nr if len(rc["rules"]) >= 8 else cr == nr
        total = len(records)
        lines.append("| %s vs %s | %d | %s | %d | %s | %d | %d |" % (
            c, n, total, cell(same, total), both, cell(same_rules, both), only_c, only_n))
    return lines + [""]


def report(attacks, benign, systems, results):
    core = lambda c: c in CORE or c.startswith("wrapped-")  # noqa: E731
    rows_attack = [("all core (incl. wrapped)", core), ("core + extra", lambda c: True)]
    rows_benign = [("generated API traffic", lambda c: c in GENERATED_BENIGN),
                   ("all benign", lambda c: True)]
    extra_label = lambda c: c + " (extra)" if c in EXTRA else c  # noqa: E731
    out = []
    for split in ("test", "train"):
        a = [r for r in attacks if r["split"] == split]
        b = [r for r in benign if r["split"] == split]
        out += table("Detection, %s split (403/400 = detected)" % split, rows_attack, a, systems,
                     results, extra_label)
        out += table("False positives, %s split (403/400 = blocked)" % split, rows_benign, b,
                     systems, results)
    out += by_placement([r for r in attacks if r["split"] == "test"], systems, results,
                        "Detection by placement, test split")
    out += top_rules(benign, systems, results, "Rules behind blocked benign requests (both "
                     "splits; 949110 left out)")
    out += top_rules(attacks, systems, results, "Rules firing on missed attacks (score "
                     "below the threshold; both splits)", blocked=False)
    out += other_statuses(attacks + benign, systems, results)
    out += agreement(attacks + benign, systems, results)
    return out


def versions():
    def q(pkg):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                           text=True)
        return r.stdout.strip() or "?"
    nv = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()
    return "%s (nginx-light %s), libnginx-mod-http-modsecurity %s, libmodsecurity3 %s, " \
           "modsecurity-crs %s" % (nv, q("nginx-light"), q("libnginx-mod-http-modsecurity"),
                                   q("libmodsecurity3"), q("modsecurity-crs"))


def load(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--systems", default=DEFAULT_SYSTEMS)
    ap.add_argument("--centinela-bin", default=os.environ.get("CENTINELA_BIN", ""))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "out", "waf-" +
                                                  datetime.datetime.now().strftime("%Y%m%d-%H%M%S")))
    ap.add_argument("--markdown", help="also write the tables to this file")
    ap.add_argument("--limit", type=int, default=0, help="first N requests of each file (a smoke test)")
    ap.add_argument("--keep-rundir", action="store_true")
    ap.add_argument("--port-base", type=int, default=18790,
                    help="origin on this port, the system on +1, its admin on +2")
    args = ap.parse_args()
    set_ports(args.port_base)

    attacks = load("attacks.jsonl")
    benign = load("benign_generated.jsonl") + load("benign_public.jsonl")
    if args.limit:
        attacks, benign = attacks[:args.limit], benign[:args.limit]
    os.makedirs(args.out, exist_ok=True)
    rundir = tempfile.mkdtemp(prefix="centinela-waf-bench.")
    os.chmod(rundir, 0o755)
    origin = NginxSystem("origin", ORIGIN_PORT, origin=True)
    head = ["## WAF detection run %s" % datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC"), "",
            "- versions: " + versions(),
            "- corpus: %d attack requests, %d benign requests" % (len(attacks), len(benign)), ""]
    systems, results = [], {}
    try:
        origin.start(rundir)
        for name in args.systems.split(","):
            s = make_system(name.strip(), args)
            why = s.available(rundir)
            if why:
                print("skipping %s: %s" % (s.name, why), file=sys.stderr)
                head.append("- skipped %s: %s" % (s.name, why))
                continue
            print("running %s ..." % s.name, file=sys.stderr)
            res, elapsed = run_system(s, attacks + benign, rundir, args.out)
            results[s.name] = res
            systems.append(s.name)
            head.append("- %s: %d requests in %.1f s (wall, one connection)" % (
                s.name, len(res), elapsed))
    finally:
        origin.stop()
        if args.keep_rundir:
            print("run directory kept: " + rundir, file=sys.stderr)
        else:
            shutil.rmtree(rundir, ignore_errors=True)
    text = "\n".join(head + [""] + report(attacks, benign, systems, results))
    print(text)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(text + "\n")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
