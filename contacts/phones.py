"""Phone numbers validated with Google's libphonenumber and stored in E.164 (+41227179111)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def to_e164(value, region=None):
    """Normalise a number as people write it ("Tel. +86 185 0118 7152") to E.164, or raise."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter the number with its country code, e.g. +41 22 717 9111."), code="invalid"
        ) from error
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("%(value)s is not a possible phone number; check the digits and the country code.")
            % {"value": value},
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164):
    """+8618501187152 -> +86 185 0118 7152, for people to read."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneNumberField(models.CharField):
    default_error_messages = {"invalid": _("Enter a valid phone number.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        kwargs.setdefault(
            "help_text", _("With the country code, e.g. +41 22 717 9111. Stored as +41227179111.")
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return to_e164(value) if value else value
