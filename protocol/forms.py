from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from protocol import rules

MAX_UPLOAD = 1_000_000  # bytes: a protocol is tens of kilobytes of text
MAX_TEXT = 200_000


class ProtocolVersionForm(forms.Form):
    """A new version: written here, or uploaded as a plain-text file, with a change note and
    the office's clauses mapped to the rules the software applies."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        help_text=_("For example: Election protocol for candidates and their agents"),
    )
    text = forms.CharField(
        label=_("The protocol"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 12}),
        help_text=_("Write or paste it here, or upload it as a text file below."),
    )
    upload = forms.FileField(
        label=_("Or upload the protocol as a plain-text file (.txt, UTF-8)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".txt"}),
    )
    pdf = forms.FileField(
        label=_("The protocol as a PDF (optional)"),
        required=False,
        help_text=_(
            "The document as adopted, published on the public page as a download beside the "
            "text. A PDF of at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".pdf"}),
    )
    change_note = forms.CharField(
        label=_("What changed in this version"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )
    clauses = forms.CharField(
        label=_("Your clauses for the rules the software applies"),
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 6}),
        help_text=_(
            'One a line: "rule key = your clause", for example '
            '"register.four_eyes = 6.3 Every answer is approved by the Chief Executive".'
        ),
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 1 MB: upload the text only."))
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not plain text (UTF-8): save it as .txt and upload it again.")
            ) from None
        if "\x00" in text:
            raise forms.ValidationError(
                _("The file is not plain text (UTF-8): save it as .txt and upload it again.")
            )
        return text

    def clean_clauses(self):
        try:
            return rules.parse_mapping(self.cleaned_data.get("clauses") or "")
        except rules.MappingError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        text = (data.get("upload") or data.get("text") or "").strip()
        if (
            not text
            and not data.get("pdf")
            and not self.has_error("text")
            and not self.has_error("upload")
            and not self.has_error("pdf")
        ):
            self.add_error("text", _("Write the protocol, or upload it as a text file or a PDF."))
        data["document"] = text
        return data


class AcknowledgeForm(forms.Form):
    """ "I have read this version": the version number posted, so an old page cannot
    acknowledge a newer version unseen."""

    number = forms.IntegerField(min_value=1, max_value=1_000_000, widget=forms.HiddenInput)
