"""The demo origin: a small FastAPI app shaped like the APIs centinela sits in front of.

Each endpoint sleeps to stand in for database latency, so the gateway's slow-request
classes, timeouts and (later) caching have something real to show. It also announces
itself with `Server: uvicorn` and `X-Powered-By: FastAPI`, the headers centinela strips.

Run with Debian's interpreter, which has fastapi and uvicorn installed:
    /usr/bin/python3 -m uvicorn demo_origin:app --app-dir examples --port 9000
"""

import asyncio
import itertools
from datetime import datetime, timezone

from fastapi import FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse

app = FastAPI(title="demo origin", docs_url=None, redoc_url=None, openapi_url=None)

ARTICLES = {
    i: {
        "id": i,
        "title": title,
        "author": author,
        "tags": tags,
        "published": f"2024-0{1 + i % 9}-1{i % 10}T09:00:00Z",
    }
    for i, (title, author, tags) in enumerate(
        [
            ("Why every API needs a gateway", "ana", ["ops", "http"]),
            ("Caching without tears", "bruno", ["cache", "http"]),
            ("Rate limits your users will not hate", "carla", ["limits"]),
            ("Structured logs in practice", "diego", ["observability"]),
            ("Security headers, one by one", "elena", ["security", "http"]),
        ],
        start=1,
    )
}
_next_id = itertools.count(len(ARTICLES) + 1)

# ~100 KiB of JSON, built once: a large list response without the cost of building it per request.
LARGE = [
    {"id": i, "name": f"item-{i:05d}", "description": "lorem ipsum dolor sit amet " * 2, "price": i * 1.25}
    for i in range(1, 876)
]


@app.middleware("http")
async def identify_as_framework(request: Request, call_next):
    # uvicorn adds `Server: uvicorn` itself; the framework banner is what apps add by habit.
    response = await call_next(request)
    response.headers["X-Powered-By"] = "FastAPI"
    return response


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/api/articles")
async def list_articles(response: Response):
    await asyncio.sleep(0.050)  # a list query
    response.headers["Cache-Control"] = "public, max-age=30"
    response.headers["Cache-Tags"] = "articles"  # for POST /admin/cache/purge {"tags": [...]}
    return list(ARTICLES.values())


@app.get("/api/articles/{article_id}")
async def get_article(article_id: int, response: Response):
    await asyncio.sleep(0.020)  # a primary-key lookup
    article = ARTICLES.get(article_id)
    if article is None:
        return JSONResponse(status_code=404, content={"detail": f"article {article_id} not found"})
    response.headers["Cache-Control"] = "max-age=60"
    response.headers["Cache-Tags"] = f"articles, article-{article_id}"
    return article


@app.post("/api/articles", status_code=201)
async def create_article(request: Request):
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse(status_code=400, content={"detail": "body must be JSON"})
    article = {"id": next(_next_id), **(body if isinstance(body, dict) else {"value": body})}
    article["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return article


@app.get("/api/users/me")
async def me(response: Response, authorization: str | None = Header(default=None)):
    response.headers["Cache-Control"] = "private, no-store"
    if not authorization or not authorization.lower().startswith("bearer "):
        return JSONResponse(
            status_code=401,
            content={"detail": "missing bearer token"},
            headers={"WWW-Authenticate": "Bearer", "Cache-Control": "private, no-store"},
        )
    token = authorization[7:].strip()
    return {"user": token.split(".")[0] or "anonymous", "plan": "pro"}


@app.get("/api/slow")
async def slow():
    await asyncio.sleep(2.0)  # the report nobody indexed
    return {"status": "done", "took_ms": 2000}


@app.get("/api/search")
async def search(q: str = ""):
    await asyncio.sleep(0.080)  # a full-text query
    needle = q.lower()
    hits = [a for a in ARTICLES.values() if needle and needle in a["title"].lower()]
    return {"query": q, "count": len(hits), "results": hits}


@app.get("/api/large")
async def large(response: Response):
    response.headers["Cache-Control"] = "max-age=300"
    return LARGE
