"""The machinery every app shares and none owns: no models, no views, no templates.

- cache.py: each course's cache version and the pieces of its pages kept under it.
- page_cache.py: whole pages for anonymous readers, answered by a middleware.
- ratelimit.py: counted limits on sign-ups, log-ins, comments and uploads.
- redis_cache.py: Django's Redis cache backend, made to survive an outage.

It sits below `courses`, the ground floor of the apps, and imports none of them,
so any app may use it and the arrows still run one way.
"""
