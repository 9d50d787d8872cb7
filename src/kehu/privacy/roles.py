"""What the built-in roles get of the privacy permissions: those who talk to customers
record and withdraw consents; marketing reads them before it writes to anyone."""

_CONSENTS = ["privacy.view_consent", "privacy.add_consent", "privacy.change_consent"]

GRANTS = {
    "admin": _CONSENTS,
    "sales_manager": _CONSENTS,
    "sales": _CONSENTS,
    "service": _CONSENTS,
    "marketing": ["privacy.view_consent"],
}
