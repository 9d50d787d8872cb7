"""Phone numbers and e-mail addresses: normalising on the way in, masking on the way out."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "CN"


# A mainland mobile number written as its 11 digits, the form most cells hold. phonenumbers
# takes ~30 µs to parse one; when the digits match the mobile pattern of its own metadata
# and do not start with 179 (a carrier prefix that parsing strips), the E.164 form is +86
# and the digits. Every other number takes the full way.
def _mobile_pattern() -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    assert metadata is not None and metadata.mobile is not None
    return re.compile(str(metadata.mobile.national_number_pattern))


_CN_MOBILE = _mobile_pattern()
_PLAIN_MOBILE = re.compile(r"1[3-9]\d{9}")


def _plain_mobile(digits: str) -> bool:
    return bool(
        _PLAIN_MOBILE.fullmatch(digits)
        and not digits.startswith("179")
        and _CN_MOBILE.fullmatch(digits)
    )


def phone_normalise(raw: str) -> str:
    """E.164 form of a phone number written any usual way (mobile, landline, +country)."""
    text = raw.strip()
    if not text:
        return ""
    if _plain_mobile(text):
        return "+86" + text
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("“%(value)s” is not a phone number. Write it like 13812345678 or 010-12345678.")
            % {"value": text},
            code="invalid_phone",
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number. Write it like 13812345678 or 010-12345678.")
            % {"value": text},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """Domestic numbers as dialled in China (13812345678, 01012345678); others as +44…"""
    if not e164:
        return ""
    # Lists show a page of numbers, mostly mobiles: the same fast path as phone_normalise.
    if e164.startswith("+86") and _plain_mobile(e164[3:]):
        return e164[3:]
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return e164


def _mask_middle(text: str, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        return text[:1] + "*" * (len(text) - 1)
    return f"{text[:keep_start]}****{text[len(text) - keep_end :]}"


def phone_mask(e164: str) -> str:
    """138****5678: enough to tell numbers apart, not enough to call."""
    shown = phone_display(e164)
    if not shown:
        return ""
    prefix = "+" if shown.startswith("+") else ""
    return prefix + _mask_middle(shown.lstrip("+"), 3, 4)


def email_mask(email: str) -> str:
    """zh****@example.com"""
    if "@" not in email:
        return _mask_middle(email, 1, 0) if email else ""
    local, domain = email.rsplit("@", 1)
    keep = 2 if len(local) > 2 else 1
    return f"{local[:keep]}****@{domain}"
