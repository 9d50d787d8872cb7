import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kehu.core.contact_details import email_mask, phone_display, phone_mask, phone_normalise


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("010-12345678", "+861012345678"),
        ("(0913) 3212345", "+869133212345"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_one_form(written, stored):
    assert phone_normalise(written) == stored


def _parsed_in_full(written: str) -> str | None:
    try:
        number = phonenumbers.parse(written, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_eleven_digits_starting_with_1_are_read_as_phonenumbers_reads_them(written):
    try:
        stored: str | None = phone_normalise(written)
    except ValidationError:
        stored = None
    assert stored == _parsed_in_full(written)


def _displayed_in_full(e164: str) -> str:
    number = phonenumbers.parse(e164, "CN")
    if phonenumbers.region_code_for_number(number) != "CN":
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


@given(st.from_regex(r"\+861[0-9]{10}", fullmatch=True))
def test_stored_mobiles_are_shown_as_phonenumbers_formats_them(e164):
    assert phone_display(e164) == _displayed_in_full(e164)


@pytest.mark.parametrize("written", ["123", "abc", "1381234567890123", "+86 000"])
def test_an_invalid_phone_number_is_refused_with_the_value_in_the_message(written):
    with pytest.raises(ValidationError) as error:
        phone_normalise(written)
    assert written in error.value.messages[0]


def test_phone_numbers_are_shown_as_dialled_and_masked_for_the_uncleared():
    assert phone_display("+8613812345678") == "13812345678"
    assert phone_display("+861012345678") == "01012345678"
    assert phone_mask("+8613812345678") == "138****5678"
    assert phone_mask("+442079460958") == "+442****0958"
    assert phone_mask("") == ""


def test_email_addresses_keep_only_a_hint_of_the_name():
    assert email_mask("zhangsan@example.com") == "zh****@example.com"
    assert email_mask("ab@x.cn") == "a****@x.cn"
    assert email_mask("") == ""
