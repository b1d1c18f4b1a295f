"""Request bodies read with a bound, before anything parses them: too large is a 413, a body without a
Content-Length is counted while it is read and refused once it passes the bound."""

from __future__ import annotations

from typing import Any

CHUNK = 64 * 1024


class BodyRefused(Exception):
    """The body is not read (or no further): `status` is the answer (400 or 413), `line` says why."""

    def __init__(self, status: int, line: str) -> None:
        super().__init__(line)
        self.status, self.line = status, line


def read_body(environ: dict[str, Any], *, limit: int, what: str) -> bytes:
    """The whole body when it is at most `limit` bytes; raises BodyRefused otherwise. `what` names the body in
    the refusal ('a Slack request', 'one deal')."""
    stream = environ.get("wsgi.input")
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    too_large = BodyRefused(413, f"the body must be {what} of at most {limit} bytes")
    if declared:
        if not declared.isascii() or not declared.isdigit():
            raise BodyRefused(400, "Content-Length is not a number of bytes")
        if int(declared) > limit:
            raise too_large
        return stream.read(int(declared)) if stream is not None and int(declared) else b""
    if stream is None or not environ.get("wsgi.input_terminated"):
        return b""  # PEP 3333: without a Content-Length, read nothing unless the server ends the stream itself
    chunks, size = [], 0
    while chunk := stream.read(min(CHUNK, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise too_large
    return b"".join(chunks)
