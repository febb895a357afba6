"""Create the "Curator" and "Editor" groups.

Curators view, add and change every domain record (and view ingestion records, when that
app has models); Editors may also delete. Permissions are normally created by a
post_migrate signal, after all migrations, so they are created here first with the
historical app registry; this works on a fresh database and on an existing one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR = "Curator"
EDITOR = "Editor"


def _ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which is always
        # the case for the historical registry's stand-ins.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _codenames(apps, app_label, actions):
    """Permission codenames for the app's curated models (history tables excluded)."""
    try:
        app_config = apps.get_app_config(app_label)
    except LookupError:
        return []
    return [
        f"{action}_{model._meta.model_name}"
        for model in app_config.get_models()
        if not model._meta.model_name.startswith("historical")
        for action in actions
    ]


def create_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(app_label, actions):
        return Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=_codenames(apps, app_label, actions),
        )

    curator_perms = [
        *permissions("controversies", ("view", "add", "change")),
        *permissions("ingestion", ("view",)),
    ]
    curator, _ = Group.objects.get_or_create(name=CURATOR)
    curator.permissions.add(*curator_perms)
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(*curator_perms, *permissions("controversies", ("delete",)))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[CURATOR, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("controversies", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
