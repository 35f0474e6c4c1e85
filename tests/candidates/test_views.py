from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Candidate
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from tests.factories import CandidateFactory, PartyFactory

AFTER_CLOSE = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)


def test_list_shows_candidates_with_party_and_status(spoc_client, election):
    CandidateFactory(election=election, name="Ada Example", party=PartyFactory(name="Labour Party"))
    CandidateFactory(election=election, name="Bea Example", party=None, status="withdrawn")
    response = spoc_client.get(reverse("candidates:list"))
    assert [(c.name, c.party_label, c.status_label) for c in response.context["candidates"]] == [
        ("Ada Example", "Labour Party", "Prospective"),
        ("Bea Example", "Independent", "Withdrawn"),
    ]
    html = response.content.decode()
    assert "Ada Example" in html and "Independent" in html


def test_list_queries_are_the_same_for_one_and_three_candidates(
    spoc_client, election, count_queries
):
    CandidateFactory(election=election)
    one = count_queries(lambda: spoc_client.get(reverse("candidates:list")))
    CandidateFactory.create_batch(2, election=election)
    three = count_queries(lambda: spoc_client.get(reverse("candidates:list")))
    assert one == three


def test_detail_queries_do_not_grow_with_status_changes(spoc_client, election, spoc, count_queries):
    candidate = create_candidate(election=election, by=spoc, name="Ada Example")
    url = reverse("candidates:detail", args=[candidate.pk])
    one = count_queries(lambda: spoc_client.get(url))
    from candidates.services import set_candidate_status

    before_close = datetime(2024, 4, 1, 9, 0, tzinfo=LONDON)
    set_candidate_status(candidate.pk, "withdrawn", by=spoc, at=before_close)
    set_candidate_status(candidate.pk, "prospective", by=spoc, at=before_close)
    assert count_queries(lambda: spoc_client.get(url)) == one


def test_detail_shows_contacts_to_the_spoc_only(client, spoc, chief_constable, auditor, election):
    candidate = CandidateFactory(election=election, emails=["ada.private@example.org"])
    url = reverse("candidates:detail", args=[candidate.pk])
    client.force_login(spoc)
    assert "ada.private@example.org" in client.get(url).content.decode()
    for user in (chief_constable, auditor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert candidate.name in response.content.decode()
        assert "ada.private@example.org" not in response.content.decode()


def test_liaisons_cannot_see_candidates_and_missing_looks_the_same(
    client, police_liaison, election
):
    candidate = CandidateFactory(election=election)
    client.force_login(police_liaison)
    assert client.get(reverse("candidates:list")).status_code == 403
    assert client.get(reverse("candidates:detail", args=[candidate.pk])).status_code == 404
    assert client.get(reverse("candidates:detail", args=[candidate.pk + 999])).status_code == 404


def test_create_candidate_through_the_form(spoc_client, election, spoc):
    party = PartyFactory(name="Green Party")
    response = spoc_client.post(
        reverse("candidates:create"),
        {
            "name": "Ada Example",
            "aliases": "Addy\n\n  Ada E  \n",
            "party": party.pk,
            "emails": "ada@example.org\nada.campaign@example.org",
            "phones": "07700 900123",
            "handles": "@ada_example",
            "website": "https://ada.example.org",
            "incumbent_role": "",
        },
    )
    candidate = Candidate.objects.get()
    assert response.url == reverse("candidates:detail", args=[candidate.pk])
    assert candidate.aliases == ["Addy", "Ada E"]
    assert candidate.emails == ["ada@example.org", "ada.campaign@example.org"]
    assert (candidate.party, candidate.status) == (party, "prospective")
    assert candidate.status_changes.get().changed_by == spoc


def test_create_candidate_with_bad_input_keeps_it_and_says_what_to_fix(spoc_client, election):
    response = spoc_client.post(
        reverse("candidates:create"),
        {
            "name": "Ada Example",
            "emails": "ada@example.org\nnot-an-email",
            "phones": "call me",
            "incumbent_role": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "&#x27;not-an-email&#x27; is not valid: enter an e-mail address like name@example.org"
        in html
    )
    assert "&#x27;call me&#x27; is not valid: enter a phone number" in html
    assert 'value="Ada Example"' in html
    assert "ada@example.org\nnot-an-email" in html
    assert 'class="govuk-error-summary"' in html
    assert not Candidate.objects.exists()


def test_linking_a_staff_account_needs_an_incumbent_role(spoc_client, election, make_user):
    user = make_user(Role.AUDITOR)
    response = spoc_client.post(
        reverse("candidates:create"),
        {"name": "Ada Example", "incumbent_role": "", "linked_user": user.pk},
    )
    assert "Only an incumbent commissioner or deputy can be linked" in response.content.decode()
    assert not Candidate.objects.exists()


def test_edit_candidate_records_history(spoc_client, election, spoc):
    candidate = CandidateFactory(election=election, name="Ada Example", party=None)
    response = spoc_client.post(
        reverse("candidates:edit", args=[candidate.pk]),
        {"name": "Ada Example", "phones": "07700 900999", "incumbent_role": ""},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.phones == ["07700 900999"]
    assert candidate.emails == []
    assert candidate.history.first().history_user == spoc


@pytest.mark.parametrize("role", [Role.CHIEF_CONSTABLE, Role.AUDITOR])
def test_read_only_roles_cannot_create_edit_or_change_status(client, make_user, election, role):
    candidate = CandidateFactory(election=election, name="Ada Example")
    client.force_login(make_user(role))
    assert (
        client.post(reverse("candidates:create"), {"name": "X", "incumbent_role": ""}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("candidates:edit", args=[candidate.pk]), {"name": "Y", "incumbent_role": ""}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("candidates:status", args=[candidate.pk]), {"status": "withdrawn"}
        ).status_code
        == 403
    )
    candidate.refresh_from_db()
    assert (candidate.name, candidate.status) == ("Ada Example", "prospective")


@time_machine.travel(AFTER_CLOSE, tick=False)
def test_status_change_in_the_browser_shows_in_the_history(spoc_client, election, spoc):
    candidate = create_candidate(election=election, by=spoc, name="Ada Example")
    response = spoc_client.get(reverse("candidates:status", args=[candidate.pk]))
    assert [c[0] for c in response.context["form"].fields["status"].choices] == [
        "declared",
        "withdrawn",
    ]
    response = spoc_client.post(
        reverse("candidates:status", args=[candidate.pk]),
        {"status": "declared", "note": "On the SoPN"},
        follow=True,
    )
    html = response.content.decode()
    assert "Ada Example is now declared." in html
    assert [(c.old_label, c.new_label, c.note) for c in response.context["status_changes"]] == [
        ("—", "Prospective", ""),
        ("Prospective", "Declared", "On the SoPN"),
    ]


@time_machine.travel(datetime(2024, 4, 5, 15, 0, tzinfo=LONDON), tick=False)
def test_status_change_refused_by_the_rules_explains_why(spoc_client, election, spoc):
    candidate = create_candidate(election=election, by=spoc, name="Ada Example")
    response = spoc_client.post(
        reverse("candidates:status", args=[candidate.pk]), {"status": "declared", "note": "x"}
    )
    assert response.status_code == 200
    assert "only from the close of nominations" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == "prospective"


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("sopn.csv", text.encode(), content_type="text/csv")


@time_machine.travel(AFTER_CLOSE, tick=False)
def test_sopn_import_previews_then_imports(spoc_client, election, spoc):
    PartyFactory(name="Labour Party", short_forms=["Labour"])
    create_candidate(election=election, by=spoc, name="Priya Castellane")
    create_candidate(election=election, by=spoc, name="Not Standing")
    response = spoc_client.post(
        reverse("candidates:sopn_import"),
        {
            "file": _upload(
                "Surname,Other names,Description\nCASTELLANE,Priya,Labour\nNEWCOMER,Ffion,\n"
            )
        },
    )
    html = response.content.decode()
    assert "Preview: nothing has been saved yet" in html
    assert "Prospective candidate becomes declared" in html
    assert "New candidate, added as declared" in html
    assert "Not Standing" in html
    assert Candidate.objects.filter(status="declared").count() == 0

    response = spoc_client.post(reverse("candidates:sopn_confirm"), follow=True)
    assert "Statement imported: 2 candidates declared." in response.content.decode()
    assert sorted(Candidate.objects.filter(status="declared").values_list("name", flat=True)) == [
        "Ffion Newcomer",
        "Priya Castellane",
    ]
    # The preview is used once: confirming again imports nothing more.
    response = spoc_client.post(reverse("candidates:sopn_confirm"), follow=True)
    assert "the preview has expired" in response.content.decode()


@time_machine.travel(AFTER_CLOSE, tick=False)
def test_sopn_import_with_bad_rows_offers_no_import(spoc_client, election):
    response = spoc_client.post(
        reverse("candidates:sopn_import"),
        {"file": _upload("Name,Party\nAda Example,Flat Earth Party\n")},
    )
    html = response.content.decode()
    assert "1 row cannot be read" in html
    assert "Row 2: Party &#x27;Flat Earth Party&#x27; for Ada Example is not a known party" in html
    assert "sopn_confirm" not in html and reverse("candidates:sopn_confirm") not in html


def test_sopn_import_of_a_bad_file_says_what_to_fix(spoc_client, election):
    response = spoc_client.post(
        reverse("candidates:sopn_import"), {"file": _upload("Foo,Bar\n1,2\n")}
    )
    assert "The first row must name the columns" in response.content.decode()


@time_machine.travel(datetime(2024, 4, 1, 9, 0, tzinfo=LONDON), tick=False)
def test_sopn_confirm_before_nominations_close_imports_nothing(spoc_client, election):
    spoc_client.post(
        reverse("candidates:sopn_import"), {"file": _upload("Name,Party\nAda Example,\n")}
    )
    response = spoc_client.post(reverse("candidates:sopn_confirm"), follow=True)
    assert "Nothing was imported." in response.content.decode()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("role", [Role.CHIEF_CONSTABLE, Role.AUDITOR, Role.POLICE_LIAISON])
def test_only_managers_can_import_the_sopn(client, make_user, election, role):
    client.force_login(make_user(role))
    assert client.get(reverse("candidates:sopn_import")).status_code == 403
    response = client.post(
        reverse("candidates:sopn_import"), {"file": _upload("Name,Party\nA B,\n")}
    )
    assert response.status_code == 403
    assert client.post(reverse("candidates:sopn_confirm")).status_code == 403
    assert not Candidate.objects.exists()


@time_machine.travel(AFTER_CLOSE, tick=False)
def test_chief_executive_can_correct_a_status_and_the_spoc_cannot(
    client, spoc, chief_executive, election
):
    candidate = CandidateFactory(election=election, status="declared")
    url = reverse("candidates:status", args=[candidate.pk])
    client.force_login(spoc)
    assert [c[0] for c in client.get(url).context["form"].fields["status"].choices] == [
        "elected",
        "not_elected",
    ]
    client.post(url, {"status": "prospective", "note": "Wrong match"})
    candidate.refresh_from_db()
    assert candidate.status == "declared"

    client.force_login(chief_executive)
    choices = client.get(url).context["form"].fields["status"].choices
    assert ("prospective", "Prospective (correction)") in choices
    response = client.post(url, {"status": "prospective", "note": ""})
    assert "a correction needs a reason" in response.content.decode()
    response = client.post(url, {"status": "prospective", "note": "Wrong SoPN match"}, follow=True)
    candidate.refresh_from_db()
    assert candidate.status == "prospective"
    assert "Correction" in response.content.decode()


def test_the_admin_cannot_add_or_change_candidates(client, spoc, election):
    spoc.is_staff = True
    spoc.save()
    candidate = CandidateFactory(election=election, emails=["ada.private@example.org"])
    client.force_login(spoc)
    assert client.get("/admin/candidates/candidate/add/").status_code == 403
    response = client.get(f"/admin/candidates/candidate/{candidate.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ada.private@example.org" not in html
    assert 'type="submit"' not in html or "Save" not in html


def test_a_list_field_refuses_a_null_character_as_a_form_error():
    """Found by the hostile-input suite on PostgreSQL: aliases of "\\x00" reached jsonb, which
    refuses it (DataError, a server error)."""
    from candidates.forms import LinesField

    field = LinesField()
    with pytest.raises(ValidationError) as refused:
        field.clean("Bob\n\x00")
    assert [e.code for e in refused.value.error_list] == ["null_characters_not_allowed"]
    assert field.clean("Bob\n\nRobert ") == ["Bob", "Robert"]
