"""The browser UI from web/dist: each file with its caching headers, gzip-compressed when the
browser accepts it.

index.html is revalidated on every visit (Cache-Control: no-cache, with an ETag); the bundles
have a content hash in their names and are cached for a year. `npm run build` (web/build.mjs)
writes a .gz beside every file, so nothing is compressed while serving.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os

from aiohttp import web

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.path.join(REPOSITORY, "web", "dist")
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = (b"<!doctype html><title>opennmc</title><p>The web UI is not built: run "
             b"<code>./flash.sh sim</code> or <code>tools/test.sh</code> (npm run build in web/)."
             b"</p>")


class _File:
    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            self.body = f.read()
        gz = path + ".gz"
        self.gz = None
        if os.path.exists(gz):
            with open(gz, "rb") as f:
                self.gz = f.read()
        self.etag = '"%s"' % hashlib.sha256(self.body).hexdigest()[:20]
        self.type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if path.endswith(".js") or path.endswith(".mjs"):
            self.type = "text/javascript"
        name = os.path.basename(path)
        self.cache = "no-cache" if name.endswith(".html") else IMMUTABLE


class StaticFiles:
    """The files of web/dist, read once at start (the whole UI is under 150 KB compressed)."""

    def __init__(self, folder: str = DIST) -> None:
        """Read every file of the folder; an absent folder serves a page saying so."""
        self.files: dict[str, _File] = {}
        if os.path.isdir(folder):
            for root, _dirs, names in os.walk(folder):
                for name in names:
                    if name.endswith(".gz"):
                        continue
                    path = os.path.join(root, name)
                    rel = os.path.relpath(path, folder).replace(os.sep, "/")
                    self.files["/" + rel] = _File(path)

    def weight(self) -> dict:
        """Bytes of the UI, plain and as sent compressed."""
        plain = sum(len(f.body) for f in self.files.values())
        sent = sum(len(f.gz if f.gz is not None else f.body) for f in self.files.values())
        return {"files": len(self.files), "bytes": plain, "gzip_bytes": sent}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET of a UI file; / is index.html. Only names found at start are served."""
        path = request.path
        if path == "/" or path == "/index.html":
            path = "/index.html"
        f = self.files.get(path)
        if f is None:
            if path == "/index.html":
                return web.Response(body=NOT_BUILT, content_type="text/html")
            raise web.HTTPNotFound(text="not found")
        headers = {"ETag": f.etag, "Cache-Control": f.cache, "Vary": "Accept-Encoding"}
        if request.headers.get("If-None-Match") == f.etag:
            return web.Response(status=304, headers=headers)
        body = f.body
        if f.gz is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = f.gz
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers=headers, content_type=f.type)
