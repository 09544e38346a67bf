"""Weeks of a course: Monday at midnight to the next Monday at midnight, in the course's time zone.

A week is named by its Monday. Every part of the week's rhythm (votes, readers,
digests, the report) asks here, so a post published at 23:30 on Sunday in the
course's zone belongs to the same week everywhere.
"""

import datetime

from django.utils import dateformat, timezone
from django.utils.translation import pgettext

ONE_WEEK = datetime.timedelta(weeks=1)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_of(course, moment: datetime.datetime | None = None) -> datetime.date:
    """The Monday of the course's week that holds `moment` (now by default)."""
    moment = moment or timezone.now()
    return monday_of(moment.astimezone(course.tz).date())


def bounds(course, week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The week's start (included) and end (excluded) as aware datetimes in the course's zone."""
    monday = monday_of(week)
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=course.tz)
    end = datetime.datetime.combine(monday + ONE_WEEK, datetime.time.min, tzinfo=course.tz)
    return start, end


def has_ended(course, week: datetime.date, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= bounds(course, week)[1]


def parse_week(text: str) -> datetime.date | None:
    """A week from a URL ("2014-11-03"): its Monday, or None for anything that is not a Monday."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    if day.weekday() != 0 or not (2000 <= day.year <= 2199):
        return None
    return day


def local(course, moment: datetime.datetime) -> datetime.datetime:
    """A moment in the course's zone, for showing with the zone's name."""
    return moment.astimezone(course.tz)


def label(course, moment: datetime.datetime) -> str:
    """ "Fri 7 Nov, 17:00 (America/New_York)": the moment in the course's zone, with the zone's name.

    Written here, not with a template's |date, which would show the site's zone.
    The year is added when it is not the current one, so last year's prompts are
    not mistaken for this year's.
    """
    here = local(course, moment)
    if here.year == local(course, timezone.now()).year:
        shape = pgettext("date format: weekday, day, month, time", "D j M, H:i")
    else:
        shape = pgettext("date format: weekday, day, month, year, time", "D j M Y, H:i")
    return f"{dateformat.format(here, shape)} ({course.tz.key})"
