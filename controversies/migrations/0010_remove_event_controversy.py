"""The single-controversy column goes once every event is linked (the previous
migration). A separate migration: PostgreSQL does not alter a table in the transaction
that just wrote its rows under deferred constraints."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("controversies", "0009_event_controversies")]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_timeline_idx"),
        migrations.RemoveField(model_name="event", name="controversy"),
        migrations.RemoveField(model_name="historicalevent", name="controversy"),
    ]
