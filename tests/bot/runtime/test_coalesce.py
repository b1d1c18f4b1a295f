"""The coalescer behind App Home refreshes: stopping it waits for a run under way, so nothing it sends outlives the
service (a late refresh once the service closed failed against Slack and its retries landed in other logs)."""

from __future__ import annotations

import threading

from bot.runtime.coalesce import Coalescer


def test_stop_waits_for_the_run_under_way_and_no_run_starts_after_it():
    started, release, ran = threading.Event(), threading.Event(), []

    def work(key: str) -> None:
        started.set()
        release.wait(5)
        ran.append(key)

    coalescer = Coalescer(work, yield_to=lambda: None, name="test")
    coalescer.mark("a")
    assert started.wait(5)
    coalescer.mark("b")  # marked during the run: it would run again afterwards
    stopper = threading.Thread(target=coalescer.stop)
    stopper.start()
    stopper.join(0.2)
    assert stopper.is_alive()  # still waiting for "a" to finish
    release.set()
    stopper.join(5)
    assert not stopper.is_alive() and ran == ["a"]  # "a" finished before stop returned; "b" never ran
