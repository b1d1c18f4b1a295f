"""`salescoach serve --http` as a real process keeps its memory when someone POSTs 256 MiB without signing it,
with a Content-Length or chunked: the body is refused at the limit, never read into memory."""

import socket

from test_serve_process import served  # noqa: F401  (the fixture: serve --http in its own process)

from bot.runtime.server import MAX_BODY

MIB = 1024 * 1024
HUGE = 256 * MIB
PIECE = b"x" * MIB  # the client sends it a MiB at a time, so the test itself never holds 256 MiB


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (the peak so far) of a process, in KiB."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def post_huge(port: int, *, chunked: bool) -> tuple[int, bytes]:
    """Stream a 256 MiB unsigned POST to /slack/events until the server stops taking it; (bytes sent, answer)."""
    size = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {HUGE}"
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"{size}\r\n\r\n".encode())
        try:
            while sent < HUGE:
                sock.sendall(b"%x\r\n%s\r\n" % (len(PIECE), PIECE) if chunked else PIECE)
                sent += len(PIECE)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered 413 and hung up
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    return sent, answer


def warm_up(port: int) -> None:
    """What a first request costs (lazy imports, thread stacks) is not what a huge one costs."""
    for _ in range(3):
        post_small = b'{"type": "url_verification", "challenge": "x"}'
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(post_small), post_small))
            while sock.recv(65536):
                pass


def test_a_256_mib_unsigned_post_leaves_the_server_within_a_few_mib_of_idle(served):  # noqa: F811
    process, base, log = served
    port = int(base.rsplit(":", 1)[1])
    warm_up(port)
    idle = memory_kib(process.pid)
    answers = {}
    for chunked in (False, True):
        sent, answer = post_huge(port, chunked=chunked)
        answers[chunked] = (sent, answer[:12])
        assert sent < HUGE, "the server read the whole body"
    after = memory_kib(process.pid)
    grown = {name: (after[name] - idle[name]) / 1024 for name in after}
    print(f"idle {idle['VmRSS'] / 1024:.1f} MiB; after two 256 MiB POSTs: RSS +{grown['VmRSS']:.1f} MiB, "
          f"peak +{grown['VmHWM']:.1f} MiB; sent before the server hung up: "
          f"{ {('chunked' if k else 'length'): v[0] // MIB for k, v in answers.items()} } MiB")
    assert grown["VmRSS"] < 4 and grown["VmHWM"] < 4, grown
    assert all(a in (b"", b"HTTP/1.1 413") for _, a in answers.values()), answers
    warm_up(port)  # and it goes on serving
    assert process.poll() is None
    log.seek(0)
    assert "Traceback" not in log.read()
    assert MAX_BODY < 4 * MIB
