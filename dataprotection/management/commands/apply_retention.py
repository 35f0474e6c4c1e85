"""Apply the retention rule by hand: `manage.py apply_retention [--dry-run] [--election ID]`."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dataprotection import queries, services
from election_protocol.models import Election


class Command(BaseCommand):
    help = (
        "Erase the register's personal data of every election whose retention period after the "
        "poll has passed (entries on legal hold or still open are kept). --dry-run lists what "
        "would be erased and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing")
        parser.add_argument("--election", type=int, help="Only this election (its id)")
        parser.add_argument(
            "--user", help="Record the run as made by this username (default: automatic)"
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="With --dry-run only: list what a run on this day (YYYY-MM-DD) would erase",
        )

    def handle(self, *args, dry_run: bool, election: int | None, user: str | None, **options):
        today = timezone.localdate()
        if options["as_of"]:
            if not dry_run:
                # Erasing early would break the promise the privacy notice makes.
                raise CommandError("--as-of previews only: use it with --dry-run.")
            today = options["as_of"]
        run_by = None
        if user:
            run_by = get_user_model().objects.filter(username=user).first()
            if run_by is None:
                raise CommandError(f"No user {user!r}.")
        if election:
            elections = list(Election.objects.filter(pk=election))
            if not elections:
                raise CommandError(f"No election {election}.")
        else:
            elections = list(Election.objects.order_by("poll_date"))
        for e in elections:
            plan = queries.plan_retention(e, today)
            self.stdout.write(f"{e}: retention date {plan.due_on:%-d %B %Y}")
            if not plan.is_due:
                self.stdout.write("  not yet due: nothing erased")
                continue
            for entry in plan.erase:
                self.stdout.write(f"  erase {entry.reference}")
            for candidate in plan.candidates:
                self.stdout.write(f"  erase the private contact details of {candidate.name}")
            for entry in plan.held:
                self.stdout.write(f"  keep {entry.reference}: on legal hold")
            for entry in plan.still_open:
                self.stdout.write(f"  keep {entry.reference}: still open")
            if plan.already_erased:
                self.stdout.write(f"  {plan.already_erased} entries erased earlier")
            if dry_run:
                self.stdout.write("  dry run: nothing changed")
                continue
            run = services.apply_retention(e.pk, run_by=run_by, today=today)
            if run is None:
                self.stdout.write("  nothing to erase")
            else:
                counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
                self.stdout.write(self.style.SUCCESS(f"  done (run {run.pk}): {counts}"))
