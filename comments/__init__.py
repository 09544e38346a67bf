"""Threaded comments under posts: moderation, edit history, notifications.

Settings, all optional (read with getattr defaults, so settings.py needs none):
- COMMENTS_RATE_LIMITS: ((seconds, most comments), ...) per user and per address;
  default ((60, 6), (3600, 60)). Counted in Django's cache (Redis in production).
- CLIENT_IP_HEADER (site-wide, see core/ratelimit.py): the META key the reverse
  proxy sets with the client's address (e.g. "HTTP_X_REAL_IP"); default: REMOTE_ADDR.
- COMMENT_EDIT_WINDOW_MINUTES: how long an author may edit; default 15.
- SITE_URL: the absolute base of links in emails.
"""
