"""The shared model choice fields: a key too large for the database is a form error, not a crash.

SQLite's driver raises ``OverflowError`` for an integer beyond 64 bits; found by the hostile-input
suite on ``DeputiesForm`` (``deputies=9223372036854775808``).
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model

from election_protocol import fields
from tests.forms import project_forms

TOO_LARGE = ["9223372036854775808", "-9223372036854775809", "9" * 40]


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("fields-user", "fields@example.org")


@pytest.mark.parametrize("value", TOO_LARGE)
def test_a_single_choice_too_large_is_an_invalid_choice(user, value):
    field = fields.ModelChoiceField(queryset=get_user_model().objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(value)
    assert refused.value.code == "invalid_choice"


@pytest.mark.parametrize("value", TOO_LARGE)
def test_a_multiple_choice_too_large_is_an_invalid_choice(user, value):
    field = fields.ModelMultipleChoiceField(queryset=get_user_model().objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean([str(user.pk), value])
    assert refused.value.code == "invalid_choice"


def test_valid_keys_still_choose_their_objects(user):
    users = get_user_model().objects.all()
    assert fields.ModelChoiceField(queryset=users).clean(str(user.pk)) == user
    assert list(fields.ModelMultipleChoiceField(queryset=users).clean([str(user.pk)])) == [user]
    # The largest key a table can hold is in range: refused only because no row has it.
    with pytest.raises(forms.ValidationError):
        fields.ModelChoiceField(queryset=users).clean(str(fields.LARGEST_KEY))


def test_every_model_choice_field_in_the_project_is_the_guarded_one():
    unguarded = [
        f"{path}.{name}"
        for path, form_class in project_forms().items()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, fields.ModelChoiceField | fields.ModelMultipleChoiceField)
    ]
    assert project_forms(), "the project's forms were not found"
    assert unguarded == []


def test_a_superscript_digit_is_an_invalid_choice_not_a_server_error():
    from election_protocol.fields import _key_in_range

    assert _key_in_range("¹") is True  # left to Django, which refuses it as a choice
    assert _key_in_range("9" * 30) is False
