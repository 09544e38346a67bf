"""Atom and RSS feeds of a course's posts, comments and digests; members-only courses' private links.

Above posts, comments, awards and coursework: its feeds show all of them.
Public courses' feeds are served at the page's address plus feed/atom/ or
feed/rss/, and kept in the anonymous page cache under the course's version; a
members-only course's feeds reach a feed reader only through its member's
private link (/feeds/<token>/...), which is never cached.
"""
