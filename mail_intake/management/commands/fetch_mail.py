"""manage.py fetch_mail [--dry-run]: read the SPOC mailbox once (MAILBOX_URL)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mail_intake import rules, services


class Command(BaseCommand):
    help = "Read the SPOC mailbox once: record, sort and move each new message."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Connect and say what would be done; record and move nothing.",
        )

    def handle(self, *args, dry_run: bool, **options):
        try:
            result = services.fetch_mail(dry_run=dry_run)
        except rules.MailboxUrlError as error:
            raise CommandError(str(error)) from error
        for line in result.previews:
            self.stdout.write(line)
        if result.error:
            raise CommandError(f"The mailbox could not be read: {result.error}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
