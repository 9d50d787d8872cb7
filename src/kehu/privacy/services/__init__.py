"""Every write of the privacy app: the consent ledger, and erasure on request."""

from kehu.privacy.services.consents import consent_grant, consent_withdraw
from kehu.privacy.services.erasure import contact_erase, erasure_execute, erasure_request

__all__ = [
    "consent_grant",
    "consent_withdraw",
    "contact_erase",
    "erasure_execute",
    "erasure_request",
]
