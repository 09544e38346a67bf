"""Calls to the platform that need not hold up a page: run by the task worker (at once under `make run`)."""

import logging

from django_tasks import task

from . import services
from .models import CourseLink

logger = logging.getLogger(__name__)


@task()
def roster_sync_task(link_id: int) -> str:
    link = CourseLink.objects.select_related("platform", "course").filter(pk=link_id).first()
    if link is None:
        return "link gone"
    try:
        return str(services.roster_sync(link=link))
    except services.SyncFailed as error:  # kept on the link, shown in the admin
        logger.warning("%s", error)
        return str(error)
