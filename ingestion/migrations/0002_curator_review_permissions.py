"""Let the Curator and Editor groups work the review queue.

They may add and change feeds, change articles (the review actions, "submit a URL",
"retry") and view ingestion runs, mentions and suggestions. Permissions are created here
first, as in controversies 0002, because the post_migrate signal that normally creates
them runs only after every migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "feed": ("view", "add", "change"),
    "article": ("view", "change"),
    "reviewitem": ("view", "change"),
    "mention": ("view",),
    "suggestion": ("view",),
    "ingestionrun": ("view",),
}
GROUPS = ("Curator", "Editor")


def _codenames():
    return [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("ingestion")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="ingestion", codename__in=_codenames()
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="ingestion", codename__in=_codenames()
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("ingestion", "0001_initial"),
        ("controversies", "0002_curator_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
