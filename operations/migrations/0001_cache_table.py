"""The shared cache's table (settings.CACHES, a database table unless REDIS_URL is set).

`migrate` creates it, so that every way of setting up a database (scripts/run, the README's
migrate + load_kent, a deployment's upgrade) has it before a page or command reads the cache.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Only the cache aliases stored in this database; a no-op for Redis or local memory.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
