"""gunicorn settings for production: `gunicorn -c coursesite/gunicorn.py coursesite.wsgi`.

Every value can be overridden from the environment, so the same file serves a
laptop benchmark and a real deployment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core is the usual start for a database-bound Django app.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Restart workers now and then so a slow leak can never grow without bound.
# Not too often: a new worker starts with empty template and fragment caches,
# and at a thousand cached pages a second 5,000 requests went by in seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Load the app once before forking: faster start, shared memory pages.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
