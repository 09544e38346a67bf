"""Log formats: plain text for a terminal, JSON lines (LOG_FORMAT=json) for a log collector.

Loaded by the LOGGING setting before the apps are, so it imports nothing from Django.
"""

import json
import logging
from datetime import UTC, datetime

# What a request line carries besides its message (ops.middleware.RequestLogMiddleware).
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and a request's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii: a path or message with a newline or any other character stays on its line.
        return json.dumps(entry, default=str)
