"""The editor's prompt field (being written)."""
