from django.db import migrations

from kehu.sales.services.pipeline_sums import PIPELINE_SUMS


def renew(apps, schema_editor):
    PIPELINE_SUMS.renew(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("sales", "0005_pipeline_sums")]

    operations = [migrations.RunPython(renew, migrations.RunPython.noop)]
