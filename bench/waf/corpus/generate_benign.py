#!/usr/bin/env python3
"""Writes benign_generated.jsonl: realistic benign API traffic for the WAF bench.

    python3 bench/waf/corpus/generate_benign.py

Deterministic (random.Random(SEED), template banks in benign_banks.py, no clock); the
split of each request follows the shared rule on its main content (body, else query).
"""

import base64
import json
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benign_banks as B  # noqa: E402
import corpus_lib as L  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 13
COUNTS = {
    "json-prose": 400, "forum-sql": 200, "code-markdown": 250, "search": 300, "cms-html": 250,
    "base64-image": 100, "jwt": 150, "api-values": 400, "form-post": 250,
}


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def c(self, seq):
        return self.r.choice(seq)

    def name(self):
        return "%s %s" % (self.c(B.FIRST), self.c(B.LAST))

    def fill(self, template):
        return template.format(
            name=self.name(), first=self.c(B.FIRST), last=self.c(B.LAST), city=self.c(B.CITIES),
            product=self.c(B.PRODUCTS), emoji=self.c(B.EMOJI) if self.r.random() < 0.5 else "",
            n=self.r.randint(2, 30), title=self.fill(self.c(B.TITLES)) if "{title}" in template
            else "", sentence=self.fill(self.c(B.REVIEW + B.POST)) if "{sentence}" in template
            else "")

    def sentences(self, bank, lo, hi):
        return " ".join(self.fill(self.c(bank)) for _ in range(self.r.randint(lo, hi)))

    def uuid(self):
        h = "%032x" % self.r.getrandbits(128)
        return "%s-%s-4%s-%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[self.r.randint(0, 3)]
                                    + h[17:20], h[20:32])

    def iso(self):
        return "%04d-%02d-%02dT%02d:%02d:%02d%s" % (
            self.r.randint(2019, 2026), self.r.randint(1, 12), self.r.randint(1, 28),
            self.r.randint(0, 23), self.r.randint(0, 59), self.r.randint(0, 59),
            self.c(["Z", "+01:00", "-05:00", ".123Z", "+09:00"]))

    def email(self):
        return "%s@%s" % (self.c(B.EMAIL_LOCAL), self.c(B.DOMAINS))

    def token(self, n):
        return base64.urlsafe_b64encode(self.r.randbytes(n)).decode().rstrip("=")

    def headers(self, key, accept=L.ACCEPT_JSON):
        h = L.base_headers(key, accept)
        if self.r.random() < 0.3:
            h["Cookie"] = "session=%s; _ga=GA1.2.%d.%d; theme=%s" % (
                self.token(18), self.r.randint(10 ** 8, 10 ** 9), self.r.randint(10 ** 9, 2 * 10 ** 9),
                self.c(["dark", "light"]))
        return h


def request(g, category, method, path, query="", body=None, ctype=None, accept=L.ACCEPT_JSON,
            extra_headers=None):
    key = body if body else query + "\n" + jdump(extra_headers or {})
    h = g.headers(key, accept)
    if extra_headers:
        h.update(extra_headers)
    return L.record(category, "generated:generate_benign.py", "project", L.split_of(key),
                    method, path, query, h, ctype, body)


def jdump(obj):
    return json.dumps(obj, ensure_ascii=False)


def json_prose(g):
    kind = g.c(["post", "review", "comment"])
    if kind == "review":
        obj = {"product_id": g.r.randint(1000, 99999), "rating": g.r.randint(1, 5),
               "title": g.fill(g.c(B.TITLES)), "body": g.sentences(B.REVIEW, 1, 4),
               "author": {"name": g.name(), "location": g.c(B.CITIES)}}
        path = "/api/v1/products/%d/reviews" % obj["product_id"]
    elif kind == "post":
        obj = {"title": g.fill(g.c(B.TITLES)), "body": g.sentences(B.POST, 1, 5),
               "tags": g.r.sample(B.TAGS, g.r.randint(0, 3)), "draft": g.r.random() < 0.2,
               "author": g.name()}
        path = "/api/v1/posts"
    else:
        obj = {"post_id": g.uuid(), "text": g.sentences(B.COMMENT, 1, 3),
               "reply_to": None if g.r.random() < 0.6 else g.r.randint(1, 5000)}
        path = "/api/v1/comments"
    method = "POST" if g.r.random() < 0.85 else g.c(["PUT", "PATCH"])
    return request(g, "json-prose", method, path, body=jdump(obj), ctype="application/json")


def forum_sql(g):
    sql = "\n\n".join("```sql\n%s\n```" % g.c(B.SQL_SNIPPETS) for _ in range(g.r.randint(1, 2)))
    body = "%s\n\n%s\n\n%s" % (g.fill(g.c(B.SQL_INTRO)), sql, g.fill(g.c(B.SQL_OUTRO)))
    obj = {"thread_id": g.r.randint(100, 90000), "body_markdown": body, "author": g.name()}
    return request(g, "forum-sql", "POST", "/api/v1/forum/posts", body=jdump(obj),
                   ctype="application/json")


def code_markdown(g):
    lang = g.c(sorted(B.CODE_SNIPPETS))
    fence = {"javascript": "js", "python": "python", "shell": "sh"}[lang]
    md = "%s\n\n```%s\n%s\n```\n" % (g.c(B.CODE_INTRO), fence, g.c(B.CODE_SNIPPETS[lang]))
    if g.r.random() < 0.4:
        md += "\n%s\n" % g.fill(g.c(B.SQL_OUTRO))
    obj = {"title": g.fill(g.c(B.TITLES)), "language": lang, "content": md,
           "public": g.r.random() < 0.7}
    return request(g, "code-markdown", "POST", g.c(["/api/v1/snippets", "/api/v1/answers"]),
                   body=jdump(obj), ctype="application/json")


def search(g):
    q = g.fill(g.c(B.SEARCHES))
    params = [("q", q)]
    if g.r.random() < 0.5:
        params.append(("page", str(g.r.randint(1, 9))))
    if g.r.random() < 0.3:
        params.append(("sort", g.c(["relevance", "price_asc", "-created_at", "rating:desc"])))
    query = "&".join("%s=%s" % (k, L.pct(v) if g.r.random() < 0.7 else
                                L.pct(v, safe="'\"():/").replace("%20", "+")) for k, v in params)
    return request(g, "search", "GET", g.c(["/api/v1/search", "/search", "/api/v2/products"]),
                   query=query, accept=g.c([L.ACCEPT_JSON, L.ACCEPT_HTML]))


def cms_html(g):
    html = "".join(g.fill(g.c(B.HTML_BLOCKS)) for _ in range(g.r.randint(1, 4)))
    obj = {"title": g.fill(g.c(B.TITLES)), "slug": "page-%d" % g.r.randint(1, 9999),
           "html": html, "published": g.r.random() < 0.8, "updated_by": g.email()}
    return request(g, "cms-html", g.c(["PUT", "POST"]), "/api/v1/cms/pages/%d" % g.r.randint(1, 500),
                   body=jdump(obj), ctype="application/json")


def png(g, w, h):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes(g.r.choice((0, 255, g.r.randint(0, 255))) for _ in range(w * 3))
                    for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def base64_image(g):
    if g.r.random() < 0.7:
        data, mime = png(g, g.r.randint(8, 24), g.r.randint(8, 24)), "image/png"
    else:
        data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
            g.r.randbytes(g.r.randint(300, 2500)) + b"\xff\xd9"
        mime = "image/jpeg"
    uri = "data:%s;base64,%s" % (mime, base64.b64encode(data).decode())
    obj = {"filename": g.c(["avatar", "photo", "scan", "IMG_2041"]) + (".png" if "png" in mime else ".jpg"),
           "image": uri, "alt": g.fill(g.c(["Profile photo of {name}", "Receipt from {city}", "My cat"]))}
    if g.r.random() < 0.3:  # raw base64 without the data: prefix
        obj["image"] = base64.b64encode(data).decode()
        obj["content_type"] = mime
    return request(g, "base64-image", "POST", g.c(["/api/v1/avatars", "/api/v1/uploads"]),
                   body=jdump(obj), ctype="application/json")


def b64url(obj):
    return base64.urlsafe_b64encode(jdump(obj).encode()).decode().rstrip("=")


def jwt(g):
    header = {"alg": g.c(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    if header["alg"] != "HS256":
        header["kid"] = g.token(12)
    iat = g.r.randint(1_700_000_000, 1_800_000_000)
    claims = {"sub": g.uuid(), "name": g.name(), "email": g.email(), "iat": iat,
              "exp": iat + 3600, "iss": "https://auth.example.com/",
              "roles": g.r.sample(["user", "admin", "editor", "billing"], g.r.randint(1, 2))}
    tok = "%s.%s.%s" % (b64url(header), b64url(claims), g.token(g.c([32, 64, 256])))
    kind = g.c(["bearer", "bearer", "form", "json"])
    if kind == "bearer":
        return request(g, "jwt", "GET", g.c(["/api/v1/me", "/api/v1/orders", "/api/v1/cart"]),
                       query=g.c(["", "include=items", "page=2"]),
                       extra_headers={"Authorization": "Bearer " + tok})
    if kind == "form":
        body = "grant_type=refresh_token&refresh_token=%s&client_id=web-app" % tok
        return request(g, "jwt", "POST", "/oauth/token", body=body,
                       ctype="application/x-www-form-urlencoded")
    return request(g, "jwt", "POST", "/api/v1/sessions", body=jdump({"id_token": tok}),
                   ctype="application/json")


def api_values(g):
    kind = g.r.randint(0, 3)
    if kind == 0:
        params = [("customer", g.uuid()), ("created_after", g.iso()),
                  ("status", g.c(["shipped", "pending", "cancelled,refunded"])),
                  ("min_total", g.c(B.PRICES)), ("email", g.email())]
        q = "&".join("%s=%s" % (k, L.pct(v)) for k, v in g.r.sample(params, g.r.randint(2, 5)))
        return request(g, "api-values", "GET", "/api/v1/orders", query=q)
    if kind == 1:
        obj = {"id": g.uuid(), "email": g.email(), "website": g.c(B.URLS),
               "price": g.c(B.PRICES), "currency": g.c(["EUR", "USD", "GBP", "JPY"]),
               "created_at": g.iso(), "app_version": g.c(B.VERSIONS),
               "ip": "%d.%d.%d.%d" % tuple(g.r.randint(1, 254) for _ in range(4)),
               "phone": g.c(["+1 (555) 010-0199", "+353 87 123 4567", "+81 3-1234-5678"])}
        return request(g, "api-values", g.c(["POST", "PUT"]), "/api/v1/customers",
                       body=jdump(dict(g.r.sample(sorted(obj.items()), g.r.randint(3, 9)))),
                       ctype="application/json")
    if kind == 2:
        obj = {"path": g.c(B.UNIX_PATHS + B.WIN_PATHS), "size": g.r.randint(0, 10 ** 9),
               "modified": g.iso(), "sha256": "%064x" % g.r.getrandbits(256),
               "owner": g.name()}
        return request(g, "api-values", "POST", "/api/v1/files/metadata", body=jdump(obj),
                       ctype="application/json")
    obj = {"callback_url": g.c(B.URLS), "redirect_uri": g.c(B.URLS), "event": g.c(
        ["order.created", "invoice.paid", "user.deleted"]), "version": g.c(B.VERSIONS)}
    return request(g, "api-values", "POST", "/api/v1/webhooks", body=jdump(obj),
                   ctype="application/json")


def password(g):
    return "".join(g.c(B.PASSWORD_PIECES) for _ in range(g.r.randint(2, 5)))


def form_post(g):
    kind = g.r.randint(0, 3)
    if kind == 0:
        fields = [("username", g.c(B.EMAIL_LOCAL)), ("password", password(g)), ("remember", "on")]
        path = "/login"
    elif kind == 1:
        pw = password(g)
        fields = [("name", g.name()), ("email", g.email()), ("password", pw),
                  ("password_confirm", pw), ("terms", "accepted")]
        path = "/register"
    elif kind == 2:
        fields = [("full_name", g.name()), ("address", g.c(B.STREETS)), ("city", g.c(B.CITIES)),
                  ("notes", g.fill(g.c(B.COMMENT)))]
        path = "/account/address"
    else:
        fields = [("name", g.name()), ("email", g.email()),
                  ("message", g.sentences(B.COMMENT + B.REVIEW, 1, 3))]
        path = "/contact"
    fields.append(("csrf_token", g.token(24)))
    body = "&".join("%s=%s" % (k, L.pct(v).replace("%20", "+")) for k, v in fields)
    return request(g, "form-post", "POST", path, body=body,
                   ctype="application/x-www-form-urlencoded", accept=L.ACCEPT_HTML)


MAKERS = {"json-prose": json_prose, "forum-sql": forum_sql, "code-markdown": code_markdown,
          "search": search, "cms-html": cms_html, "base64-image": base64_image, "jwt": jwt,
          "api-values": api_values, "form-post": form_post}


def main():
    g = Gen(SEED)
    out = []
    for category, n in COUNTS.items():
        seen, made = set(), 0
        for _ in range(n * 20):
            r = MAKERS[category](g)
            k = (r["method"], r["path"], r["query"], r["body"])
            if k not in seen:  # identical requests add nothing
                seen.add(k)
                out.append(r)
                made += 1
                if made == n:
                    break
        else:
            sys.exit("%s: only %d distinct requests" % (category, made))
    L.write_jsonl(os.path.join(HERE, "benign_generated.jsonl"), out)
    import build_corpus  # COUNTS.md covers every corpus file present
    build_corpus.write_counts(HERE)
    print("benign generated: %d requests" % len(out))


if __name__ == "__main__":
    main()
