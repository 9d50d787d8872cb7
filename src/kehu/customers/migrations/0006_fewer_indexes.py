"""Indexes nothing reads: B-trees on the pinyin keys and contact phones (searched by
substring, which only the trigram indexes serve), PostgreSQL's extra LIKE-prefix copies of
each db_index text column, the province index that (province, city) covers and the owner
index that (owner, updated) covers. Every write paid for them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _plain(max_length, **extra):
    return models.CharField(max_length=max_length, editable=False, default="", **extra)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_activity_lead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AlterField(model_name=model, name="name_pinyin", field=_plain(400))
            for model in ("customer", "contact")
        ),
        *(
            migrations.AlterField(model_name=model, name="name_initials", field=_plain(200))
            for model in ("customer", "contact")
        ),
        migrations.AlterField(
            model_name="contact",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="customer",
            name="province",
            field=models.CharField(blank=True, max_length=20, verbose_name="province"),
        ),
        migrations.AlterField(model_name="customer", name="name_key", field=_plain(200)),
        migrations.AlterField(
            model_name="customer",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="customers",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["phone"], name="customers_c_phone_8493fa_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["email"], name="customers_c_email_4fdeb3_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["name_key"], name="customers_c_name_ke_6cb01b_idx"),
        ),
    ]
