"""The registry of time-based steps that `manage.py tick` runs (ops/management/commands/tick.py).

An app's tick.py registers a function taking the current time and returning a
list of lines that say what it did (empty when nothing was due). The command
imports every app's tick.py first, the way the admin finds admin.py.
"""

_steps = []


def register(step):
    if step not in _steps:
        _steps.append(step)
    return step


def steps() -> list:
    return list(_steps)
