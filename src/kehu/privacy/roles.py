"""What the built-in roles get of the privacy permissions: those who talk to customers
record and withdraw consents; marketing reads them before it writes to anyone."""

from kehu.privacy.models import AUDIT, ERASE, EXPORT

_CONSENTS = ["privacy.view_consent", "privacy.add_consent", "privacy.change_consent"]

GRANTS = {
    # Only administrators answer a request to be erased or to have one's data, and read
    # the audit of who saw whose.
    "admin": [
        *_CONSENTS,
        ERASE,
        EXPORT,
        AUDIT,
        "privacy.view_erasurerequest",
        "privacy.add_erasurerequest",
    ],
    "sales_manager": _CONSENTS,
    "sales": _CONSENTS,
    "service": _CONSENTS,
    "marketing": ["privacy.view_consent"],
}
