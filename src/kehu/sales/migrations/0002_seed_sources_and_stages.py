from typing import Any

from django.db import migrations

from kehu.sales.defaults import seed_defaults


def seed(apps: Any, schema_editor: Any) -> None:
    seed_defaults(apps.get_model("sales", "LeadSource"), apps.get_model("sales", "Stage"))


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
