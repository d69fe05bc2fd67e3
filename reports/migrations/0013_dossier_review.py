"""Quarterly dossier figures get a review state, a source link, a note and who submitted and confirmed them.

Rows stored before this migration came from curators (the admin, the article intake), so they become
*confirmed*: the status column is added with that default, then its default turns to *submitted* for
every row written afterwards (deny by default: an officer's entry is public only once confirmed).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0012_published_statistics'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='dossierstat',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ngày xác nhận'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xác nhận'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='note',
            field=models.TextField(blank=True, verbose_name='ghi chú'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='địa chỉ nguồn'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='status',
            field=models.CharField(choices=[('submitted', 'Chờ xác nhận'), ('confirmed', 'Đã xác nhận')], default='confirmed', max_length=16, verbose_name='trạng thái'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ngày gửi'),
        ),
        migrations.AddField(
            model_name='dossierstat',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gửi'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ngày xác nhận'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xác nhận'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='note',
            field=models.TextField(blank=True, verbose_name='ghi chú'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='địa chỉ nguồn'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='status',
            field=models.CharField(choices=[('submitted', 'Chờ xác nhận'), ('confirmed', 'Đã xác nhận')], default='confirmed', max_length=16, verbose_name='trạng thái'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ngày gửi'),
        ),
        migrations.AddField(
            model_name='historicaldossierstat',
            name='submitted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gửi'),
        ),
        # from now on an entry starts as submitted
        migrations.AlterField(
            model_name='dossierstat',
            name='status',
            field=models.CharField(choices=[('submitted', 'Chờ xác nhận'), ('confirmed', 'Đã xác nhận')], default='submitted', max_length=16, verbose_name='trạng thái'),
        ),
        migrations.AlterField(
            model_name='historicaldossierstat',
            name='status',
            field=models.CharField(choices=[('submitted', 'Chờ xác nhận'), ('confirmed', 'Đã xác nhận')], default='submitted', max_length=16, verbose_name='trạng thái'),
        ),
    ]
