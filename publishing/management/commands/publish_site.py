"""python manage.py publish_site [--to DIR] [--rollback VERSION] [--election ID]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from election_protocol.models import Election
from election_protocol.queries import current_election
from publishing import site


class Command(BaseCommand):
    help = (
        "Render the public election page, check it for private details and make it live "
        "(or, with --to, render a preview into a folder; with --rollback, go back to a kept "
        "version)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", type=Path, help="Render into this folder instead (preview).")
        parser.add_argument("--rollback", metavar="VERSION", help="Make a kept version live.")
        parser.add_argument("--election", type=int, help="Election id (default: the current).")

    def handle(self, *args, **options) -> None:
        if options["rollback"]:
            try:
                run = site.rollback_to(options["rollback"])
            except site.RollbackError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"Version {run.version} is live again, until the next publish run "
                    "(an approval, the register PDF's step) publishes the register as it is "
                    "now: withdraw or correct an entry to keep it off the page."
                )
            )
            return
        if options["election"]:
            election = Election.objects.filter(pk=options["election"]).first()
        else:
            election = current_election(timezone.localdate())
        if election is None:
            raise CommandError("No such election: create one, or give --election ID.")
        try:
            result = site.publish_site(election, to=options["to"])
        except site.PublishBusy as error:
            raise CommandError(str(error)) from error
        if result.status == "blocked":
            raise CommandError(result.reason)
        where = options["to"] or f"version {result.version}"
        if result.unchanged:
            self.stdout.write(f"Nothing changed: version {result.version} is still live.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {where}: {len(result.rendered)} files rendered, "
                f"{len(result.carried)} carried over."
            )
        )
