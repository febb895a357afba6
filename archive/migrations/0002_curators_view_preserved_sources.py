"""Curators and Editors may view snapshots, link checks and source statuses (never change
them: the workers write these rows). Permissions are created here first, as in
controversies 0002, since the post_migrate signal that normally creates them runs later."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Curator", "Editor")
CODENAMES = ("view_sourcesnapshot", "view_linkcheck", "view_sourcestatus")


def grant_view(apps, schema_editor):
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(content_type__app_label="archive", codename__in=CODENAMES)
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke_view(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="archive", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_source_snapshots_and_link_checks"),
        ("controversies", "0002_curator_editor_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_view, revoke_view)]
