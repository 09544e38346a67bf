from django.core.management.base import BaseCommand

from lti import keys
from lti.models import ToolKey


class Command(BaseCommand):
    help = (
        "Make the LTI tool's RSA signing key if it has none, or with --rotate a new one: "
        "the old key stays published at the JWKS URL for LTI_KEY_OVERLAP_DAYS, then is dropped from it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Make a new active key even if one exists.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change nothing.")

    def handle(self, *args, rotate=False, dry_run=False, **options):
        current = ToolKey.objects.filter(active=True).first()
        if current is not None and not rotate:
            self.stdout.write(
                f"Active key: {current.kid} (made {current.created_at:%Y-%m-%d}). --rotate makes a new one."
            )
            return
        if dry_run:
            what = f"rotate {current.kid} out and make a new key" if current else "make the first key"
            self.stdout.write(f"Would {what}.")
            return
        key = keys.key_create()
        if current is not None:
            self.stdout.write(
                self.style.SUCCESS(f"New active key {key.kid}; {current.kid} stays published a while.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Made the tool's key {key.kid}."))
