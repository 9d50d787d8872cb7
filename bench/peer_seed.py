"""Seeding the peer CRM for bench_peer, run by the peer's own Python: its tables, an
administrator, and the records bench_peer exported from Kehu's company (one JSON object a
line: a customer with its contacts), as accounts with their contacts under the same ids.
Prints the administrator's API token (a JWT, as the peer's log-in gives it) as JSON.

    PEER_DATABASE=… DJANGO_SETTINGS_MODULE=bench.peer_settings python -m bench.peer_seed FILE
"""

import json
import sys
from datetime import datetime, timedelta
from itertools import islice

import django

django.setup()

from accounts.models import Account  # noqa: E402 (the peer's models need setup first)
from common.models import User  # noqa: E402
from contacts.models import Contact  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from rest_framework_jwt.settings import api_settings  # noqa: E402

ADMIN_EMAIL = "admin@bench.invalid"
BATCH = 5000


def _administrator():
    return User.objects.filter(email=ADMIN_EMAIL).first() or User.objects.create(
        email=ADMIN_EMAIL, username="admin", role="ADMIN", is_superuser=True, is_active=True
    )


def _load(path, admin):
    """Accounts and contacts in batches; the peer wants contacts' e-mails and phones unique,
    so a repeated or missing one is replaced by a placeholder or left out."""
    emails, phones = set(), set()
    links = Account.contacts.through
    with open(path, encoding="utf-8") as stream:
        lines = iter(stream)
        while batch := [json.loads(line) for line in islice(lines, BATCH)]:
            accounts, contacts, linked = [], [], []
            for record in batch:
                first = record["contacts"][0]["name"] if record["contacts"] else ""
                accounts.append(
                    Account(
                        id=record["id"],
                        name=record["name"][:64],
                        email=record["email"],
                        phone=record["phone"] or None,
                        billing_state=record["province"],
                        billing_city=record["city"],
                        contact_name=first[:120] or record["name"][:120],
                        created_by=admin,
                        is_active=True,
                    )
                )
                for contact in record["contacts"]:
                    email = contact["email"]
                    if not email or email in emails:
                        email = f"contact{contact['id']}@bench.invalid"
                    phone = contact["phone"] if contact["phone"] not in phones else ""
                    emails.add(email)
                    phones.add(phone)
                    contacts.append(
                        Contact(
                            id=contact["id"],
                            first_name=contact["name"][1:] or contact["name"],
                            last_name=contact["name"][:1],
                            email=email,
                            phone=phone or None,
                            created_by=admin,
                            is_active=True,
                        )
                    )
                    linked.append(links(account_id=record["id"], contact_id=contact["id"]))
            with transaction.atomic():
                Account.objects.bulk_create(accounts)
                Contact.objects.bulk_create(contacts)
                links.objects.bulk_create(linked)


def main(path):
    call_command("migrate", verbosity=0)
    admin = _administrator()
    if not Account.objects.exists():
        _load(path, admin)
    payload = {
        "id": admin.pk,
        "username": admin.username,
        "exp": datetime.utcnow() + timedelta(days=1),
    }
    print(json.dumps({"token": api_settings.JWT_ENCODE_HANDLER(payload)}))


if __name__ == "__main__":
    main(sys.argv[1])
