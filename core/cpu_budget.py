"""A bound on the CPU time one piece of work may take in a request.

Markdown parsing is superlinear on some text (100,000 "![" take seconds), and
such text is cheap to send. `cpu_time_limit(seconds)` interrupts the work with
CpuBudgetExceeded once this process has spent that much CPU time on it, using
the process's virtual timer (SIGVTALRM: CPU time, not wall time, so waiting on
the database does not count). Signals can only be handled in the main thread:
in a threaded server (runserver, ASGI) the block runs unbounded, and the
per-writer budget in core/ratelimit.py ("render-ms") still bounds it over time.
"""

import contextlib
import signal
import threading


class CpuBudgetExceeded(Exception):
    pass


def _interrupt(signum, frame):
    raise CpuBudgetExceeded


@contextlib.contextmanager
def cpu_time_limit(seconds: float):
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGVTALRM, _interrupt)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
