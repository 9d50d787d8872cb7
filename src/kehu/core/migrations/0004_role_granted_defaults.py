"""Roles remember the built-in permissions Kehu gave them.

Roles made before this release were given the customer and analytics permissions of the
time; they are recorded as given, so the next roles_ensure adds only what came after
(sales and orders) and restores nothing an admin took away."""

from django.db import migrations, models

_GIVEN_BEFORE = [
    "analytics.change_scorecard",
    "analytics.view_customerscore",
    "core.manage_organisation",
    "customers.add_activity",
    "customers.add_contact",
    "customers.add_customer",
    "customers.change_contact",
    "customers.change_customer",
    "customers.delete_contact",
    "customers.delete_customer",
    "customers.view_activity",
    "customers.view_contact",
    "customers.view_contact_details",
    "customers.view_customer",
]


def record_given(apps, schema_editor):
    apps.get_model("core", "Role").objects.update(granted_defaults=_GIVEN_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_change_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="role",
            name="granted_defaults",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.RunPython(record_given, migrations.RunPython.noop),
    ]
