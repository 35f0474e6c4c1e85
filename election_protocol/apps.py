from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

from election_protocol import staff_counts


def _sync_roles(sender: AppConfig, **kwargs: object) -> None:
    # Permissions are created by post_migrate too, one app at a time, so the groups can only be
    # filled in once every app's permissions exist: after the last app that has models.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    # At signal time: roles imports the auth models, which cannot load while apps.py is.
    from election_protocol.roles import sync_role_groups

    sync_role_groups(using=kwargs.get("using", "default"))


class ElectionProtocolConfig(AppConfig):
    name = "election_protocol"
    verbose_name = "Election and protocol"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="election_protocol.sync_roles")
        # The staff pages' deadline counts are kept until a watched model is written.
        staff_counts.connect()
