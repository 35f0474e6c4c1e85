"""Form fields every app's forms share, and the check of a field that one choice requires.

Django's model choice fields pass whatever the browser sent straight to the database as a
primary key. A number beyond a 64-bit integer (``9223372036854775808``) then reaches SQLite's
driver, which raises ``OverflowError`` — a server error where the user should see "Select a
valid choice". These fields refuse such a value first, with Django's own message, so a tampered
or mistyped choice is an ordinary form error on every database.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The widest primary key any of our tables can hold (BigAutoField, PostgreSQL bigint).
LARGEST_KEY = 2**63 - 1


def _key_in_range(value: object) -> bool:
    """True unless ``value`` is a whole number too large (or too small) for a database key.

    Values that are not whole numbers are left to Django, which already refuses them.
    """
    text = str(value).strip()
    # isdecimal, not isdigit: "¹" is a digit that int() refuses (found by the hostile input).
    if not text.lstrip("+-").isdecimal():
        return True
    return -LARGEST_KEY - 1 <= int(text) <= LARGEST_KEY


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` that refuses an out-of-range key as an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and not _key_in_range(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``forms.ModelMultipleChoiceField`` that refuses an out-of-range key as an invalid choice."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple | set | frozenset) else ():
            if not _key_in_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def guarded_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for a ModelForm: its relation fields get the guarded classes."""
    if db_field.many_to_many:
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif db_field.many_to_one or db_field.one_to_one:
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)


def require_for_choice(
    form: forms.Form, data: dict, field: str, *, choice: str, value: object, message: str
) -> None:
    """Put `message` on `field` of `form` when its cleaned `data` chose `value` for `choice` and
    left `field` blank: a field the form leaves optional that this one answer needs (the note
    saying why "Other", the explanation of a step)."""
    if data.get(choice) == value and not (data.get(field) or "").strip():
        form.add_error(field, message)
