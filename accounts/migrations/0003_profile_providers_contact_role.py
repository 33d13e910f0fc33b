"""Provider contacts: the fourth role's group, and the providers a contact acts for."""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps, using=schema_editor.connection.alias)


def remove_contact_role(apps, schema_editor):
    from accounts.roles import CONTACT

    apps.get_model("auth", "Group").objects.filter(name=CONTACT).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_role_groups'),
        ('providers', '0006_site_location_basis_approximate'),
        ('contenttypes', '__latest__'),
        # The models the contact role is given rights on; named, not "__latest__" (see 0002).
        # Rights on models added later come from the sync after every migrate.
        ('providers', '0008_course_record_label_confirmed'),
        ('coldspots', '0007_saved_scenarios'),
        ('offerround', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='historicalprofile',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical remit, LCPA and providers', 'verbose_name_plural': 'historical remit, LCPA and providers'},
        ),
        migrations.AlterModelOptions(
            name='profile',
            options={'verbose_name': 'remit, LCPA and providers', 'verbose_name_plural': 'remit, LCPA and providers'},
        ),
        migrations.AddField(
            model_name='profile',
            name='providers',
            field=models.ManyToManyField(blank=True, help_text="For a provider contact: the providers whose offer they confirm (one, or a trust's several).", related_name='contacts', to='providers.provider'),
        ),
        migrations.CreateModel(
            name='HistoricalProfile_providers',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='accounts.historicalprofile')),
                ('profile', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.profile')),
                ('provider', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='providers.provider')),
            ],
            options={
                'verbose_name': 'HistoricalProfile_providers',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(sync_roles, remove_contact_role),
    ]
