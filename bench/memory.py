"""Idle memory of `salescoach serve --http` as a ratio to a bare bolt app served the same way.

Run: `python -m bench.memory [--settle 1]`. Each side is its own process on a free loopback port, talking to the
Slack double: the real CLI (`serve --http`, scheduler on, SQLite, migrations at start-up) and a bare slack_bolt App
behind the same waitress server (`bot.runtime.server`'s thread count and body bound) with a /healthz route. Each is
measured after start-up and one /healthz request (and, for salescoach, after its new leader ran every job once), plus
`--settle` seconds: VmRSS (and VmHWM, the peak) from /proc. Prints both and which heavy libraries (matplotlib, numpy,
PIL, python_calamine) have files mapped into either; the ratio last. Goal: salescoach at most 80 MiB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
GOAL_MIB = 80.0
# Their compiled extensions show in /proc/PID/maps; openpyxl has none, but imports numpy and PIL when they are there.
HEAVY = ("matplotlib", "numpy", "PIL", "python_calamine")
BUNDLED = {"numpy.libs": "numpy", "pillow.libs": "PIL"}  # the wheels' own copies of C libraries


class Idle(NamedTuple):
    rss_mib: float
    peak_mib: float
    heavy: list[str]  # the heavy libraries mapped into the process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            response.read()
            return int(response.status)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def heavy_homes() -> dict[str, str]:
    """Each heavy library's folder (and its wheel's bundled-library folder) -> its name; found without importing."""
    homes = {}
    for name in HEAVY:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            homes[f"{folder}/"] = name
            site = os.path.dirname(folder)
            homes |= {f"{site}/{libs}/": lib for libs, lib in BUNDLED.items() if lib == name}
    return homes


def idle(pid: int) -> Idle:
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    homes = heavy_homes()
    with open(f"/proc/{pid}/maps") as maps:
        files = {parts[5] for line in maps if len(parts := line.split(maxsplit=5)) == 6}
    heavy = sorted({name for path in files for home, name in homes.items() if path.startswith(home)})
    return Idle(int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024, heavy)


def measure(name: str, command: list[str], env: dict[str, str], port: int, cwd: str, settle: float,
            started: Callable[[str], bool] = lambda log: True) -> Idle:
    """Start the process, wait until /healthz answers 200 and `started(its log)`, ask /healthz once more, let it
    settle, read its memory, stop it."""
    log_path = Path(cwd) / f"{name.replace(' ', '-')}.log"
    with log_path.open("w+") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while healthz(port) != 200 or not started(log_path.read_text()):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"{name} did not come up (exit {process.poll()}):\n{log.read()}")
                time.sleep(0.1)
            if healthz(port) != 200:  # the one request the figure is taken after
                raise SystemExit(f"{name}: /healthz stopped answering")
            time.sleep(settle)
            return idle(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve_bare(port: int, threads: int, max_body: int) -> None:
    """The child: a bare bolt app (token checked at start, like the product) acking any action, on waitress."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
              client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]))

    @app.action(re.compile(".*"))
    def answer(ack: Ack) -> None:
        ack()

    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            data = json.dumps({"status": "ok"}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        return slack(environ, start_response)

    server = create_server(wsgi, host="127.0.0.1", port=port, threads=threads, asyncore_loop_timeout=1.0,
                           max_request_body_size=max_body + 1)
    server.run()  # until SIGTERM ends the process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds to wait after the /healthz request")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)  # the floor's child process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--max-body", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        serve_bare(args.port, args.threads, args.max_body)
        return

    import inspect

    from bot.runtime.jobs import JOBS
    from bot.runtime.server import MAX_BODY, make_server
    from bot.slack_double import SlackDouble

    threads = inspect.signature(make_server).parameters["threads"].default
    load_before = os.getloadavg()
    figures: dict[str, Idle] = {}
    with tempfile.TemporaryDirectory() as tmp, SlackDouble() as slack:
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "SLACK_API_URL": slack.api_url,
               "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": slack.signing_secret}
        bare_port, product_port = free_port(), free_port()
        figures["bare bolt app"] = measure(
            "bare bolt app", [sys.executable, "-m", "bench.memory", "--bare", "--port", str(bare_port),
                              "--threads", str(threads), "--max-body", str(MAX_BODY)],
            env, bare_port, tmp, args.settle)
        figures["salescoach"] = measure(
            "salescoach", [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                           "--port", str(product_port)],
            env | {"DATABASE_URL": f"sqlite:///{tmp}/serve.db"}, product_port, tmp, args.settle,
            started=lambda log: all(f"job {job} at " in log for job in JOBS))  # the new leader's first pass
    load_after = os.getloadavg()
    print(f"idle after start-up, the scheduler's first pass and one /healthz request (+{args.settle:g} s), waitress "
          f"with {threads} threads, "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    for name, figure in figures.items():
        print(f"{name}: RSS {figure.rss_mib:.1f} MiB, peak {figure.peak_mib:.1f} MiB, heavy libraries mapped: "
              f"{', '.join(figure.heavy) or 'none'}")
    product, bare = figures["salescoach"], figures["bare bolt app"]
    print(f"ratio: {product.rss_mib / bare.rss_mib:.2f}x (idle RSS, {product.rss_mib:.1f} against "
          f"{bare.rss_mib:.1f} MiB; goal: salescoach at most {GOAL_MIB:.0f} MiB, "
          f"{'met' if product.rss_mib <= GOAL_MIB else 'not met'})")


if __name__ == "__main__":
    main()
