"""A follow-up about another app's record (a sales lead) is a generic link, so that the
customers app depends on no other; and the permission to see full contact details belongs
to the kernel, which masks them everywhere.

A database made before this has a `lead_id` column on follow-ups (0005 made it then): its
links are copied into the generic link and the column is dropped. A new database never had
it, and this finds nothing to move.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD_COLUMN = "lead_id"
TABLE = "customers_activity"


def _has_old_column(schema_editor) -> bool:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, TABLE)
    return any(column.name == OLD_COLUMN for column in columns)


def lead_links_move(apps, schema_editor) -> None:
    if not _has_old_column(schema_editor):
        return
    content_types = apps.get_model("contenttypes", "ContentType")
    lead_type, _created = content_types.objects.get_or_create(app_label="sales", model="lead")
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"UPDATE {quote(TABLE)} SET regarding_type_id = %s, regarding_id = {quote(OLD_COLUMN)}"
        f" WHERE {quote(OLD_COLUMN)} IS NOT NULL",
        [lead_type.pk],
    )
    if schema_editor.connection.vendor == "sqlite":
        # SQLite cannot drop a column a constraint names; the table is made again from the
        # model as this migration knows it, which has no such column.
        schema_editor._remake_table(apps.get_model("customers", "Activity"))
    else:
        # The index, the foreign key and the check constraint on it go with the column.
        schema_editor.execute(f"ALTER TABLE {quote(TABLE)} DROP COLUMN {quote(OLD_COLUMN)}")


def contact_details_grants_move(apps, schema_editor) -> None:
    """Whoever could see full contact details as a customers permission can as the kernel's."""
    permissions = apps.get_model("auth", "Permission")
    content_types = apps.get_model("contenttypes", "ContentType")
    old = permissions.objects.filter(
        content_type__app_label="customers", codename="view_contact_details"
    ).first()
    if old is None:
        return
    user_type, _created = content_types.objects.get_or_create(app_label="core", model="user")
    new, _created = permissions.objects.get_or_create(
        content_type=user_type,
        codename="view_contact_details",
        defaults={"name": "Can see full phone numbers and e-mail addresses"},
    )
    for role in apps.get_model("core", "Role").objects.filter(permissions=old):
        role.permissions.add(new)
        role.granted_defaults = sorted(
            {
                "core.view_contact_details" if name == "customers.view_contact_details" else name
                for name in role.granted_defaults
            }
        )
        role.save(update_fields=["granted_defaults"])
    for user in apps.get_model("core", "User").objects.filter(user_permissions=old):
        user.user_permissions.add(new)
    for group in apps.get_model("auth", "Group").objects.filter(permissions=old):
        group.permissions.add(new)
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_contact_details_permission"),
        ("customers", "0011_credit_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="regarding_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="activity",
            name="regarding_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(lead_links_move, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["regarding_type", "regarding_id", "-at"], name="activity_regarding"
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("customer__isnull", False), ("regarding_id__isnull", False), _connector="OR"
                ),
                name="activity_on_a_customer_or_a_record",
                violation_error_message="A follow-up belongs to a customer or a record.",
            ),
        ),
        migrations.AlterModelOptions(
            name="customer",
            options={
                "ordering": ["-updated_at", "-id"],
                "permissions": [
                    (
                        "change_credit",
                        "Can change credit limits, credit ratings and payment terms",
                    )
                ],
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
            },
        ),
        migrations.RunPython(contact_details_grants_move, migrations.RunPython.noop),
    ]
