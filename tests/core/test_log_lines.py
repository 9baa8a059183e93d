"""Events logged by several threads at once stay one whole line each, on stderr and in a
run's log file (the progress thread logs while the main thread says the run finished)."""

from __future__ import annotations

import io
import json
import threading
import time

import structlog

from deskmigrate.core import logs


class SlowStream(io.StringIO):
    """A stream that gives other threads the processor on every write."""

    def write(self, text: str) -> int:
        time.sleep(0.0002)
        return super().write(text)


def test_events_from_many_threads_stay_one_line_each(tmp_path):
    stream = SlowStream()
    logs.configure(stream=stream, fmt="json")
    log = structlog.get_logger("test")

    def say(name: str) -> None:
        for n in range(100):
            log.info(name, n=n)

    try:
        with logs.run_log(tmp_path / "run.log") as path:
            threads = [threading.Thread(target=say, args=(f"t{i}",)) for i in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        logs.configure()
    for text in (stream.getvalue(), path.read_text()):
        events = [json.loads(line) for line in text.splitlines()]  # one object a line
        assert sorted((e["event"], e["n"]) for e in events) == sorted(
            (f"t{i}", n) for i in range(3) for n in range(100))
