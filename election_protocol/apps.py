from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: object) -> None:
    # Permissions are created by post_migrate too, so groups can only be filled in after them;
    # running after the last of our apps migrates guarantees every permission exists.
    if sender.label != "publishing":
        return
    from election_protocol.roles import sync_role_groups

    sync_role_groups()


class ElectionProtocolConfig(AppConfig):
    name = "election_protocol"
    verbose_name = "Election and protocol"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="election_protocol.sync_roles")
