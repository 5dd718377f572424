"""A tiny OTLP/HTTP JSON receiver for the tracing tests.

usage: otlp_receiver.py PORT OUT_FILE [STATUS]

Answers every POST with STATUS (default 200). Each span of each accepted
ExportTraceServiceRequest becomes one line of OUT_FILE, flattened for the
test: {"service", "traceId", "spanId", "parentSpanId", "name", "kind",
"start", "end", "status", "attributes": {key: value as text}}. A body that is
not OTLP JSON is written as {"invalid": reason}. Prints "ready" once bound.
"""
import http.server
import json
import socket
import sys
import threading

PORT = int(sys.argv[1])
OUT = sys.argv[2]
STATUS = int(sys.argv[3]) if len(sys.argv) > 3 else 200
lock = threading.Lock()


def attribute_text(value):
    for kind in ("stringValue", "intValue", "boolValue", "doubleValue"):
        if kind in value:
            return str(value[kind])
    raise ValueError("attribute value without a known kind: %r" % value)


def flatten(request):
    lines = []
    for resource_spans in request["resourceSpans"]:
        resource = {a["key"]: attribute_text(a["value"])
                    for a in resource_spans["resource"]["attributes"]}
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                int(span["startTimeUnixNano"])
                int(span["endTimeUnixNano"])
                lines.append({
                    "service": resource.get("service.name"),
                    "traceId": span["traceId"],
                    "spanId": span["spanId"],
                    "parentSpanId": span.get("parentSpanId", ""),
                    "name": span["name"],
                    "kind": span["kind"],
                    "start": span["startTimeUnixNano"],
                    "end": span["endTimeUnixNano"],
                    "status": span.get("status", {}).get("code", 0),
                    "attributes": {a["key"]: attribute_text(a["value"])
                                   for a in span.get("attributes", [])},
                })
    return lines


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            if self.headers.get("Content-Type") != "application/json":
                raise ValueError("Content-Type %r" % self.headers.get("Content-Type"))
            lines = flatten(json.loads(body))
        except Exception as error:  # noqa: BLE001 - any malformed body is reported
            lines = [{"invalid": str(error)}]
        if STATUS == 200 or "invalid" in lines[0]:
            with lock, open(OUT, "a", encoding="utf-8") as out:
                for line in lines:
                    out.write(json.dumps(line) + "\n")
        answer = b"{}"
        self.send_response(STATUS)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        # The test holds the port with SO_REUSEPORT until this binds it.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


server = Server(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()
