"""The production settings (DJANGO_DEBUG=false and the README's variables), plus what a load test needs.

- Every comment in the benchmark comes from 127.0.0.1 and 16 members, so the
  per-person comment rate limits (a few a minute) would refuse nearly all of
  them: the throughput of posting is measured with them raised, and so is
  searching (60 a minute per reader).
- Static files are collected under bench/data/, beside the ceiling file of
  the same size as the post page, so the shared tree's staticfiles/ is left alone.
"""

from coursesite.settings import *  # noqa: F403
from coursesite.settings import BASE_DIR

COMMENTS_RATE_LIMITS = ((60, 1_000_000), (3600, 10_000_000))
RATE_LIMITS = {"search": ((60, 1_000_000_000),)}  # the load generator searches from one address
STATIC_ROOT = BASE_DIR / "bench" / "data" / "static"
