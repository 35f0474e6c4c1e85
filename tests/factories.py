"""factory_boy factories: one per model, boring, fictional data only."""

from __future__ import annotations

from datetime import date, datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from candidates.models import Candidate, Party
from election_protocol.models import Election, NonWorkingDay
from requests_register import rules
from requests_register.models import Entry

# The reference election of the house style: PCC polls on Thursday 2 May 2024.
REFERENCE_POLL = date(2024, 5, 2)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    area = "Testshire"
    office = "pcc"
    office_name = "Office of the Police and Crime Commissioner for Testshire"
    reference_prefix = factory.Sequence(lambda n: f"TS{n:02d}")
    poll_date = REFERENCE_POLL
    police_force_name = "Testshire Police"
    fire_service_name = ""
    paro_name = "Testshire Council"
    paro_email = "paro@testshire.example.org"
    paro_phone = "07700 900001"
    spoc_name = "Election SPOC"
    spoc_email = "spoc@testshire.example.org"
    spoc_phone = "07700 900002"


class NonWorkingDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NonWorkingDay

    election = factory.SubFactory(ElectionFactory)
    date = date(2024, 4, 3)
    kind = NonWorkingDay.Kind.THANKSGIVING_OR_MOURNING
    reason = "National day of mourning (test)"


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Party {n}")
    short_forms = factory.LazyAttribute(lambda p: [p.name.replace("Party", "").strip()])


class CandidateFactory(factory.django.DjangoModelFactory):
    """A candidate row as stored; status changes in tests go through the services."""

    class Meta:
        model = Candidate

    election = factory.SubFactory(ElectionFactory)
    name = factory.Sequence(lambda n: f"Candidate Number{n}")
    party = factory.SubFactory(PartyFactory)
    emails = factory.LazyAttribute(lambda c: [f"{c.name.split()[-1].lower()}@example.org"])
    phones = factory.Sequence(lambda n: [f"07700 900{n % 1000:03d}"])


def entry_maker(election, created_by, **defaults):
    """Return a function creating register Entry rows (numbered 1, 2, ...) with every required
    field filled; `defaults`, then each call's keywords, override the plain values."""
    numbers = iter(range(1, 10_000))

    def make(**fields) -> Entry:
        number = next(numbers)
        values = {
            "election": election,
            "number": number,
            "reference": f"{election.reference_prefix}-{number:04d}",
            "received_at": timezone.make_aware(datetime(2024, 4, 10, 10, 30)),
            "channel": rules.Channel.EMAIL,
            "kind": rules.Kind.INFORMATION,
            "topic": "Police station opening hours",
            "target_date": date(2024, 4, 17),
            "created_by": created_by,
            **defaults,
            **fields,
        }
        return Entry.objects.create(**values)

    return make
