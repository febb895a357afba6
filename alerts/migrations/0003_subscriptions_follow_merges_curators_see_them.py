"""Subscriptions: an organisation merge moves the ones following it (the foreign key
gets a reverse name, which the merge walks). Curators may see addresses and their
subscriptions, see each digest's sending state, and stop mail to an address; Editors may also delete them (an owner's
request to be forgotten). Permissions are created first, as in 0002."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GRANTS = {
    "Curator": ("view_subscriber", "change_subscriber", "view_subscription", "view_digest"),
    "Editor": (
        "view_subscriber",
        "change_subscriber",
        "delete_subscriber",
        "view_subscription",
        "delete_subscription",
        "view_digest",
    ),
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="alerts", codename__in=codenames))


def grant(apps, schema_editor):
    app_config = apps.get_app_config("alerts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(*_permissions(apps, GRANTS[group.name]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*_permissions(apps, GRANTS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0002_webhook_secret_out_of_history"),
        ("controversies", "0012_recommendation_not_recorded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscription",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alert_subscriptions",
                to="controversies.organization",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
