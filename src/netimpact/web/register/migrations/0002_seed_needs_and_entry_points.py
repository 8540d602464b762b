"""Fill the Need and EntryPoint code tables from the domain vocabulary, so the admin can tag services.

The store also adds any code missing at save time, so a code added to the vocabulary later needs no
migration of its own for the store to work.
"""

from django.db import migrations

from netimpact.domain import vocabulary


def seed_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name, codes in (("Need", vocabulary.Need), ("EntryPoint", vocabulary.EntryPoint)):
        model = apps.get_model("register", model_name)
        model.objects.bulk_create([model(code=c.value) for c in codes], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(seed_codes, migrations.RunPython.noop)]
