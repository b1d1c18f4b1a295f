"""Work done after an ack lets Slack requests that are still being answered go first, up to a deadline."""

import threading
import time

from bot.runtime.in_flight import InFlight


def test_work_after_an_ack_gives_up_waiting_at_its_deadline_while_a_request_is_being_answered():
    flight = InFlight()
    with flight.request():
        assert flight.count == 1
        assert flight.wait_quiet(time.monotonic()) is False
    assert flight.count == 0 and flight.wait_quiet(time.monotonic()) is True


def test_work_after_an_ack_goes_as_soon_as_the_last_request_is_answered():
    flight, started, outcome = InFlight(), threading.Event(), []
    request = flight.request()
    request.__enter__()

    def waiter() -> None:
        started.set()
        outcome.append(flight.wait_quiet(time.monotonic() + 30))

    thread = threading.Thread(target=waiter)
    thread.start()
    started.wait(5)
    assert outcome == []  # still waiting: a request is in flight
    request.__exit__(None, None, None)
    thread.join(timeout=5)
    assert outcome == [True]
