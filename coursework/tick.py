"""The week's time-based steps, run by `manage.py tick` every few minutes.

Each step acts on what has come due and marks it done, so it is safe to run
late or twice.
"""

from core import tick_steps

from . import choice, prompts_tick, readers

tick_steps.register(prompts_tick.run_due)  # openings emailed; due times passed
tick_steps.register(choice.run_due)  # Students' Choice weeks that ended are closed
tick_steps.register(readers.run_due)  # this week's readers are given their posts
