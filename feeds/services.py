"""Writes of the feeds app: making a member's private feed link."""

from django.utils import timezone

from courses.models import Membership

from .models import FeedToken, new_secret


def feed_token_renew(*, membership: Membership) -> FeedToken:
    """Give the member a new private link. The old one, if any, stops working at once:
    its row is the same and its secret (and digest) are replaced."""
    token, _created = FeedToken.objects.update_or_create(
        membership=membership, defaults={"secret": new_secret(), "created_at": timezone.now()}
    )
    return token
