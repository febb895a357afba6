"""An index in the exact order of the controversy list (newest activity first, undated
last), so the first page is read from the index instead of sorting every controversy.

``controversy_activity_idx`` cannot serve it: PostgreSQL puts NULLs first in a
descending index, and the list puts undated controversies last. PostgreSQL only, like
0003: SQLite cannot declare NULLS LAST in an index (so it is not in the model's Meta).
"""

from django.db import migrations, models
from django.db.models import F

INDEX = models.Index(
    F("last_event_on").desc(nulls_last=True), F("title"), F("id"), name="controversy_list_idx"
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("controversies", "controversy"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("controversies", "controversy"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("controversies", "0003_search_indexes")]

    operations = [migrations.RunPython(add_index, remove_index)]
