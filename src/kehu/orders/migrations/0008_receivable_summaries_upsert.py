from django.db import migrations

from kehu.orders.services.receivables import RECEIVABLES


def renew(apps, schema_editor):
    for summary in RECEIVABLES:
        summary.renew(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_receivable_summaries")]

    operations = [migrations.RunPython(renew, migrations.RunPython.noop)]
