"""The "confirmed by provider" record label (the yearly offer round, offerround)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('providers', '0007_provider_standards'),
    ]

    operations = [
        migrations.AlterField(
            model_name='course',
            name='record_label',
            field=models.CharField(choices=[('published', 'Published fact'), ('derived', 'Derived from another fact'), ('illustrative', 'Illustrative (not a fact)'), ('confirmed', 'Confirmed by provider')], default='published', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalcourse',
            name='record_label',
            field=models.CharField(choices=[('published', 'Published fact'), ('derived', 'Derived from another fact'), ('illustrative', 'Illustrative (not a fact)'), ('confirmed', 'Confirmed by provider')], default='published', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalproviderstandard',
            name='record_label',
            field=models.CharField(choices=[('published', 'Published fact'), ('derived', 'Derived from another fact'), ('illustrative', 'Illustrative (not a fact)'), ('confirmed', 'Confirmed by provider')], default='published', max_length=20),
        ),
        migrations.AlterField(
            model_name='providerstandard',
            name='record_label',
            field=models.CharField(choices=[('published', 'Published fact'), ('derived', 'Derived from another fact'), ('illustrative', 'Illustrative (not a fact)'), ('confirmed', 'Confirmed by provider')], default='published', max_length=20),
        ),
    
    ]
