"""Webhooks: the secret is no longer kept in the history (a rotated secret must not stay
readable in old versions); Curators may register and change webhooks and read their
delivery logs, Editors may also delete webhooks. Permissions are created here first, as
in controversies 0002, since the post_migrate signal that normally creates them runs
later."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Curator": ("add_webhook", "change_webhook", "view_webhook", "view_webhookdelivery"),
    "Editor": (
        "add_webhook",
        "change_webhook",
        "delete_webhook",
        "view_webhook",
        "view_webhookdelivery",
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
        ("alerts", "0001_initial"),
        ("controversies", "0002_curator_editor_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalwebhook", name="secret"),
        migrations.RunPython(grant, revoke),
    ]
