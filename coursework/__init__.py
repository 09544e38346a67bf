"""What counts across the course: the participation report and the instructors' summary.

It sits above posts, comments and awards and imports them plainly; the
course's week (prompts, the digest) belongs here too. It also assembles the
course and post admins from the parts each app defines (coursework/admin.py).
"""
