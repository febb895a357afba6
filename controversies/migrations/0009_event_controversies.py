"""Events belong to several controversies.

Until now an event belonged to one controversy, so a moment shared by several cases (the
January 2019 coalition letter to Amazon, Microsoft and Google) was stored once per case.
This migration links each event to its controversy through the new many-to-many field,
then merges copies: events with the same date, the same title and the same non-empty set
of cited sources become one event on every controversy the copies were on.

What a merge keeps, so that nothing is lost:
- every controversy link, actor (organisation and role) and coalition signature;
- every citation: the kept event cites the same sources; a quote or locator only the
  copy has is copied over. Two different non-empty quotes (or locators) for the same
  source cannot both be kept: the migration stops and names the events to reconcile;
- history: the copy's history rows (the event's own, its actors' and its citations')
  are re-pointed at the kept event, so its History page shows both;
- accepted articles: an article accepted as the copy now points at the kept event.

Copies whose summaries, kinds or date precisions differ (both set and unequal) are not
the same record told twice; they are left apart for a curator to decide.
"""

from collections import defaultdict

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


class MergeWouldLoseCitation(Exception):
    pass


def _link_events(apps, schema_editor):
    Event = apps.get_model("controversies", "Event")
    Link = Event.controversies.through
    Link.objects.bulk_create(
        [
            Link(event_id=pk, controversy_id=controversy_id)
            for pk, controversy_id in Event.objects.values_list("pk", "controversy_id")
        ],
        batch_size=2000,
    )
    # Every historical version of an event recorded which controversy it was on; keep
    # that as the version's controversy list.
    HistoricalEvent = apps.get_model("controversies", "HistoricalEvent")
    HistoricalLink = apps.get_model("controversies", "HistoricalEvent_controversies")
    link_ids = {(e, c): pk for pk, e, c in Link.objects.values_list("pk", "event_id", "controversy_id")}
    HistoricalLink.objects.bulk_create(
        [
            HistoricalLink(
                # 0 for a version of an event deleted since: no link row to name.
                id=link_ids.get((pk, controversy_id), 0),
                history_id=history_id,
                event_id=pk,
                controversy_id=controversy_id,
            )
            for history_id, pk, controversy_id in HistoricalEvent.objects.exclude(
                controversy_id=None
            ).values_list("history_id", "id", "controversy_id")
        ],
        batch_size=2000,
    )


def _duplicate_groups(Event, EventSource):
    sources_of = defaultdict(set)
    for event_id, source_id in EventSource.objects.values_list("event_id", "source_id"):
        sources_of[event_id].add(source_id)
    groups = defaultdict(list)
    for pk, occurred_on, title in Event.objects.order_by("pk").values_list(
        "pk", "occurred_on", "title"
    ):
        if sources_of[pk]:
            groups[(occurred_on, title.strip(), frozenset(sources_of[pk]))].append(pk)
    return [pks for pks in groups.values() if len(pks) > 1]


def _same_record(kept, copy) -> bool:
    def agree(a, b):
        return not a or not b or a == b

    return (
        agree(kept.summary.strip(), copy.summary.strip())
        and kept.kind == copy.kind
        and kept.occurred_on_precision == copy.occurred_on_precision
    )


def _merge_citations(EventSource, kept, copy):
    kept_citations = {c.source_id: c for c in EventSource.objects.filter(event=kept)}
    for citation in EventSource.objects.filter(event=copy):
        target = kept_citations[citation.source_id]
        changed = []
        for field in ("quote", "locator"):
            mine, theirs = getattr(target, field).strip(), getattr(citation, field).strip()
            if theirs and not mine:
                setattr(target, field, getattr(citation, field))
                changed.append(field)
            elif theirs and mine and theirs != mine:
                raise MergeWouldLoseCitation(
                    f"Events {kept.pk} and {copy.pk} ('{kept.title}', {kept.occurred_on}) "
                    f"cite source {citation.source_id} with different {field}s; merging "
                    f"them would lose one. Make the two citations agree (or change one "
                    f"event's title), then migrate again."
                )
        if changed:
            target.save(update_fields=changed)


def _merge_into(apps, kept, copy):
    Event = apps.get_model("controversies", "Event")
    EventActor = apps.get_model("controversies", "EventActor")
    EventSource = apps.get_model("controversies", "EventSource")
    Coalition = apps.get_model("controversies", "Coalition")
    Article = apps.get_model("ingestion", "Article")
    Link = Event.controversies.through
    Signature = Coalition.actions.through

    _merge_citations(EventSource, kept, copy)
    for controversy_id in Link.objects.filter(event=copy).values_list("controversy_id", flat=True):
        Link.objects.get_or_create(event=kept, controversy_id=controversy_id)
    held = set(EventActor.objects.filter(event=kept).values_list("organization_id", "role"))
    for actor in EventActor.objects.filter(event=copy):
        if (actor.organization_id, actor.role) not in held:
            actor.event = kept
            actor.save(update_fields=["event"])
    for coalition_id in Signature.objects.filter(event=copy).values_list("coalition_id", flat=True):
        Signature.objects.get_or_create(event=kept, coalition_id=coalition_id)
    if not kept.summary.strip() and copy.summary.strip():
        kept.summary = copy.summary
        kept.save(update_fields=["summary"])
    Article.objects.filter(accepted_event=copy).update(accepted_event=kept)
    for name in ("HistoricalEvent", "HistoricalEvent_controversies"):
        model = apps.get_model("controversies", name)
        field = "id" if name == "HistoricalEvent" else "event_id"
        model.objects.filter(**{field: copy.pk}).update(**{field: kept.pk})
    for name in ("HistoricalEventActor", "HistoricalEventSource"):
        apps.get_model("controversies", name).objects.filter(event_id=copy.pk).update(
            event_id=kept.pk
        )
    copy.delete()


def _merge_copies(apps, schema_editor):
    Event = apps.get_model("controversies", "Event")
    EventSource = apps.get_model("controversies", "EventSource")
    for pks in _duplicate_groups(Event, EventSource):
        kept, *copies = list(Event.objects.filter(pk__in=pks).order_by("pk"))
        for copy in copies:
            if _same_record(kept, copy):
                _merge_into(apps, kept, copy)


def _unlink_events(apps, schema_editor):
    """Back to one controversy per event: an event on several becomes one copy per
    controversy, each with the event's actors and citations."""
    Event = apps.get_model("controversies", "Event")
    EventActor = apps.get_model("controversies", "EventActor")
    EventSource = apps.get_model("controversies", "EventSource")
    Link = Event.controversies.through
    links = defaultdict(list)
    for event_id, controversy_id in Link.objects.order_by("controversy_id").values_list(
        "event_id", "controversy_id"
    ):
        links[event_id].append(controversy_id)
    for event in Event.objects.all():
        first, *others = links[event.pk] or [None]
        if first is None:
            event.delete()  # an event on no controversy has no timeline to go back to
            continue
        event.controversy_id = first
        event.save(update_fields=["controversy"])
        actors = list(EventActor.objects.filter(event=event))
        citations = list(EventSource.objects.filter(event=event))
        for controversy_id in others:
            event.pk = None
            event.controversy_id = controversy_id
            event.save()
            for row in (*actors, *citations):
                row.pk = None
                row.event = event
                row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("controversies", "0008_fact_sources"),
        ("ingestion", "0004_article_minhash_seq"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalEvent_controversies",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "controversy",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="controversies.controversy",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="controversies.event",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="controversies.historicalevent",
                    ),
                ),
            ],
            options={"verbose_name": "HistoricalEvent_controversies"},
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        # The old foreign key's reverse name is needed by the new field; nullable so
        # that migrating back can add the column before filling it.
        migrations.AlterField(
            model_name="event",
            name="controversy",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="controversies.controversy",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="controversies",
            field=models.ManyToManyField(
                help_text="Every controversy whose timeline shows this event.",
                related_name="events",
                to="controversies.controversy",
            ),
        ),
        migrations.RunPython(_link_events, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, _unlink_events),
        migrations.RunPython(_merge_copies, migrations.RunPython.noop),
    ]
