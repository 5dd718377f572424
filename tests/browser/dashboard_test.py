#!/usr/bin/env python3
"""The dashboard in a real browser (issue 15, point 2).

Starts an origin and the gateway (admin token set), sends known traffic,
opens the dashboard in headless Chromium through the DevTools protocol and
checks that the page loaded without console errors and that its charts and
tables hold that traffic (read back through window.__centinela_dashboard and
the DOM). Saves screenshots (desktop and phone width) into OUT_DIR.
Exit 77 (skipped) where chromium is not installed.

  dashboard_test.py CENTINELA_BINARY OUT_DIR
"""

import base64
import http.server
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devtools import DevTools  # noqa: E402

TOKEN = "dashboard-test-token"
OK_REQUESTS = 40
ERROR_REQUESTS = 5
SLOW_REQUESTS = 2
CACHED_REQUESTS = 10  # of one URL: one miss, then hits
DB_SLOW_MS = 380  # the db time the origin reports (Server-Timing) for a slow request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # head and body in one write (flushed after each request)

    def do_GET(self):
        if self.path.startswith("/api/slow"):
            time.sleep(0.6)  # the origin being slow is what is measured
        status = 500 if self.path.startswith("/api/fail") else 200
        body = b'{"ok":true,"padding":"' + b"x" * 2000 + b'"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if self.path.startswith("/static/"):
            self.send_header("Cache-Control", "max-age=300")
        if self.path.startswith("/api/"):
            # What the origin says the time went on: the dashboard shows it
            # beside the route's p95 and in the slow-request table.
            slow = self.path.startswith("/api/slow")
            self.send_header("Server-Timing", f'db;dur={DB_SLOW_MS if slow else 2.5};desc="3 queries"')
            self.send_header("Server-Timing", "app;dur=15")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def eventually(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("dashboard_test: chromium is not installed; skipped")
        return 77
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="centinela-dashboard-")
    processes = []
    try:
        origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
        threading.Thread(target=origin.serve_forever, daemon=True).start()
        port, admin_port = free_port(), free_port()
        config = os.path.join(work, "centinela.yaml")
        with open(config, "w") as f:
            f.write(f"""
server: {{listen: ["127.0.0.1:{port}"], workers: 2}}
admin: {{listen: "127.0.0.1:{admin_port}", token: "{TOKEN}"}}
log: {{access: {{path: off}}, slow_request: {{normal: 100ms, slow: 500ms, very_slow: 3s}}}}
upstreams:
  origin: {{servers: ["127.0.0.1:{origin.server_address[1]}"]}}
cache: {{memory: 16MiB}}
routes:
  - name: static
    match: {{prefix: "/static/"}}
    upstream: origin
    cache: {{}}
  - name: api
    match: {{prefix: "/api/"}}
    upstream: origin
    compression: {{min_size: 100B}}
""")
        gateway = subprocess.Popen([binary, "run", "-c", config], stdout=subprocess.DEVNULL,
                                   stderr=open(os.path.join(work, "gateway.log"), "w"))
        processes.append(gateway)
        base = f"http://127.0.0.1:{port}"
        admin = f"http://127.0.0.1:{admin_port}"
        eventually(lambda: _answers(f"{admin}/health"), 15, "the gateway to start")

        # The traffic the dashboard must show.
        for i in range(OK_REQUESTS):
            status, _ = get(f"{base}/api/items/{i}", {"Accept-Encoding": "gzip"})
            check(status == 200, f"GET /api/items/{i}: {status}")
        for i in range(ERROR_REQUESTS):
            check(get(f"{base}/api/fail/{i}")[0] == 500, "the origin's 500 passes through")
        for i in range(SLOW_REQUESTS):
            check(get(f"{base}/api/slow/{i}")[0] == 200, "slow request")
        for _ in range(CACHED_REQUESTS):
            check(get(f"{base}/static/logo.svg")[0] == 200, "cached request")
        api_sent = OK_REQUESTS + ERROR_REQUESTS + SLOW_REQUESTS
        sent = api_sent + CACHED_REQUESTS

        # The data endpoint is behind the token; the page itself holds no data.
        check(get(f"{admin}/admin/dashboard.json")[0] == 401, "dashboard.json without the token")
        status, _ = get(f"{admin}/dashboard")
        check(status == 200, f"GET /dashboard: {status}")

        profile = os.path.join(work, "chromium")
        browser = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "--window-size=1280,2600", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "chromium.log"), "w"))
        processes.append(browser)
        active_port = os.path.join(profile, "DevToolsActivePort")
        eventually(lambda: os.path.exists(active_port) and
                   len(open(active_port).read().split()) >= 2, 30, "chromium's DevTools port")
        devtools_port = open(active_port).read().split()[0]
        pages = []

        def find_page():
            pages[:] = [t for t in json.loads(urllib.request.urlopen(
                f"http://127.0.0.1:{devtools_port}/json/list", timeout=5).read())
                if t["type"] == "page"]
            return bool(pages)
        eventually(find_page, 15, "a page target")
        tab = DevTools(pages[0]["webSocketDebuggerUrl"])
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            tab.call(domain)
        tab.call("Page.navigate", url=f"{admin}/dashboard#token={TOKEN}")

        # Polled once a second; the traffic ended before the page opened, so
        # once two polls went through every second of it has been closed.
        state_of = "window.__centinela_dashboard && window.__centinela_dashboard.state()"
        tab.wait_for(f"({state_of}) && ({state_of}).totals.requests >= {sent} && "
                     f"({state_of}).polls >= 2", 30)
        state = tab.evaluate(state_of)
        check(state["failures"] == 0, f"failed polls: {state['last_error']}")
        check(state["totals"]["requests"] == sent, f"requests: {state['totals']}")
        check(state["totals"]["errors_5xx"] == ERROR_REQUESTS, f"5xx: {state['totals']}")
        check(state["totals"]["compression_saved_bytes"] > 0, "compression savings")
        charts = state["charts"]
        check(charts["requests"]["sums"]["requests/s"] == sent, f"requests chart: {charts['requests']}")
        check(charts["requests"]["sums"]["5xx/s"] == ERROR_REQUESTS, "5xx in the chart")
        check(charts["requests"]["points"] >= 1, "points drawn")
        check(state["routes"]["api"]["requests"] == api_sent, f"route api: {state['routes']}")
        check(state["routes"]["static"]["requests"] == CACHED_REQUESTS, "route static")
        check(state["totals"]["cache_hits"] == CACHED_REQUESTS - 1, f"hits: {state['totals']}")
        check(state["totals"]["cache_misses"] == 1, f"misses: {state['totals']}")
        check(state["totals"]["offloaded_requests"] == CACHED_REQUESTS - 1, "offloaded")
        check(charts["offload"]["sums"]["requests/s"] == CACHED_REQUESTS - 1,
              f"offload chart: {charts['offload']}")
        check(charts["cache"]["points"] >= 1, "cache chart drawn")
        # The slow requests' p99 is the origin's 600 ms (within 1 %, plus the
        # gateway's own time).
        check(state["routes"]["api"]["p99_max"] >= 600 * 0.99, f"p99: {state['routes']}")
        check(charts["latency"]["points"] >= 1, "latency chart drawn")
        slow_rows = tab.evaluate(
            "[...document.querySelectorAll('#panel-slow tbody tr')].map(r => r.textContent)")
        check(len(slow_rows) == SLOW_REQUESTS and all("/api/slow/" in r for r in slow_rows),
              f"slow requests table: {slow_rows}")
        check(all(f"db {DB_SLOW_MS}.0 ms" in r for r in slow_rows),
              f"the origin's timings of slow requests: {slow_rows}")
        latency_text = tab.evaluate("document.querySelector('#panel-latency > .chart > table').textContent")
        # p95 of app is 15 ms on every request; of db 2.5 ms (2 slow ones in
        # 47), each within the sketch's 1 %.
        check(re.search(r"of p95 [0-9.]+ ms, 1[45]\.[0-9] ms is app, 2\.[45] ms db", latency_text),
              f"origin timing beside the route's p95: {latency_text}")
        upstream = tab.evaluate("document.querySelector('#panel-upstreams tbody').textContent")
        check("up" in upstream and "127.0.0.1" in upstream, f"upstreams table: {upstream}")

        shot = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(os.path.join(out_dir, "dashboard.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        # A phone: one column.
        tab.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
                 deviceScaleFactor=2, mobile=True)
        columns = tab.wait_for(
            "getComputedStyle(document.getElementById('panels')).gridTemplateColumns"
            ".split(' ').length === 1", 10)
        check(columns, "one column on a phone")
        shot = tab.call("Page.captureScreenshot", format="png")
        with open(os.path.join(out_dir, "dashboard-phone.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))

        errors = tab.page_errors()
        check(not errors, f"console errors: {errors}")
        print(f"dashboard_test: OK ({sent} requests shown; screenshots in {out_dir})")
        return 0
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def _answers(url):
    try:
        return get(url)[0] == 200
    except OSError:
        return False


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as failure:
        print(f"dashboard_test: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
