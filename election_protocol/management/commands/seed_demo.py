from django.core.management.base import BaseCommand
from django.utils import timezone

from election_protocol.demo import DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create the fictional demo office, election, candidates and users (idempotent)."

    def handle(self, *args, **options) -> None:
        result = seed_demo(timezone.now())
        election = result.election
        verb = "Created" if result.created else "Kept the existing"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo election: {election}"))
        self.stdout.write(f"Demo logins (password for all: {result.password})")
        roles = {username: role.label for username, role, _ in DEMO_USERS}
        for username in result.usernames:
            self.stdout.write(f"  {username:<20} {roles.get(username, '')}".rstrip())
        self.stdout.write(
            "  (incumbent-pcc is linked to a standing candidate and is refused, as it should be)"
        )
