"""The pool's sweep wrote its reason in the language of the worker ("30 天未跟进"); it now
keeps a code and the days, worded for each reader. Reasons already written are coded too."""

import re

from django.db import migrations

_WORDED = [re.compile(r"^(\d+) 天未跟进$"), re.compile(r"^No follow-up for (\d+) days$")]


def code_the_reasons(apps, schema_editor):
    Change = apps.get_model("core", "Change")
    released = Change.objects.filter(
        target_type__app_label="customers",
        target_type__model="customer",
        action="release",
        actor__isnull=True,
    )
    for change in released.iterator():
        old, new = change.changes.get("reason", [None, None])
        match = next((m for p in _WORDED if isinstance(new, str) and (m := p.match(new))), None)
        if match is not None:
            change.changes["reason"] = [old, {"code": "no_follow_up", "days": int(match[1])}]
            change.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0014_credit_limit_unset"),
        ("core", "0006_worker_heartbeat"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(code_the_reasons, migrations.RunPython.noop)]
