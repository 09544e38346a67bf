"""(being written)"""


def run_due(now):
    return []
