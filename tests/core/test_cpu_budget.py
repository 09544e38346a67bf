import time

import pytest

from core.cpu_budget import CpuBudgetExceeded, cpu_time_limit


def test_work_past_its_cpu_time_is_interrupted():
    with pytest.raises(CpuBudgetExceeded), cpu_time_limit(0.05):
        while True:
            sum(range(1000))


def test_waiting_is_not_cpu_time_and_the_timer_is_off_afterwards():
    with cpu_time_limit(0.05):
        time.sleep(0.2)
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # no stray interrupt once the block is left
        sum(range(1000))
