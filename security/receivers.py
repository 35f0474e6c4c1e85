"""Signal receivers that feed the audit log (issue 6, item 3).

The house style keeps logic out of signals; these hold none. A sign-in, a failed sign-in, a
lockout, a change of roles or of an object permission can come from many places (the login
page, the admin, a management command, guardian's assign_perm inside a service, the role sync
after migrate), and Django and django-axes announce each of them by a signal. Listening there is
the one way to be sure every such change leaves a row; each receiver only describes the event
and calls services.record_event.
"""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.models import GroupObjectPermission, UserObjectPermission

from security import rules
from security.models import AuditEvent, EventKind
from security.services import record_event

User = get_user_model()

# Session key holding the moment of sign-in, for the absolute session limit
# (security.middleware.SessionLifetimeMiddleware).
LOGIN_AT_SESSION_KEY = "security_login_at"


# --- sign-in and sign-out -------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="security.audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    record_event(EventKind.LOGIN, request=request, user=user, actor=user)


@receiver(user_logged_out, dispatch_uid="security.audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return  # an anonymous visitor pressed "sign out": nothing to record
    kind = EventKind.LOGOUT
    if request is not None and getattr(request, "_security_session_expired", False):
        kind = EventKind.SESSION_EXPIRED
    record_event(kind, request=request, user=user, actor=user)


def unknown_username(typed: str) -> str:
    """Return what the audit log keeps of a username that matches no account: a short keyed
    digest (the same text gives the same digest, so attempts can be counted; it cannot be read
    back)."""

    return (
        "unknown account "
        + salted_hmac("security.unknown-username", typed, algorithm="sha256").hexdigest()[:10]
    )


@receiver(user_login_failed, dispatch_uid="security.audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` has been cleansed by Django (the password is asterisks). The username is
    # kept as typed only when such an account exists: people type their password into the
    # username box, so for no account only a keyed digest is kept (repeats still show).
    typed = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    user = User.objects.filter(**{User.USERNAME_FIELD: typed}).first() if typed else None
    username = typed if user is not None or not typed else unknown_username(typed)
    detail = "while locked out" if getattr(request, "axes_locked_out", False) else ""
    record_event(
        EventKind.LOGIN_FAILED,
        request=request,
        user=user,
        username=username,
        actor=None,
        detail=detail,
    )


@receiver(user_locked_out, dispatch_uid="security.audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    kept = username if user is not None or not username else unknown_username(username)
    record_event(EventKind.LOCKED_OUT, request=request, user=user, username=kept or "")


# --- accounts and roles ---------------------------------------------------------------------


@receiver(pre_save, sender=User, dispatch_uid="security.audit_user_flags_before")
def _user_flags_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(rules.WATCHED_FLAGS):
        return  # e.g. last_login on every sign-in: no need to read the row
    instance._security_old_flags = (
        User.objects.filter(pk=instance.pk).values(*rules.WATCHED_FLAGS).first()
    )


@receiver(post_save, sender=User, dispatch_uid="security.audit_user_flags_after")
def _user_flags_after(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    new = {flag: getattr(instance, flag) for flag in rules.WATCHED_FLAGS}
    if created:
        on = [flag for flag in rules.WATCHED_FLAGS if new[flag]]
        record_event(EventKind.USER_CREATED, user=instance, detail=", ".join(on))
        return
    old = getattr(instance, "_security_old_flags", None)
    instance._security_old_flags = None
    if old:
        changes = rules.flag_changes(old, new)
        if changes:
            record_event(EventKind.ACCOUNT_FLAGS_CHANGED, user=instance, detail="; ".join(changes))


def _names(model, pks) -> str:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return ", ".join(sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows))
    return ", ".join(sorted(str(obj) for obj in model.objects.filter(pk__in=pks)))


def _m2m_change(instance, action, reverse, model, pk_set, related_of):
    """Yield (owner, description) for each owner side whose relation changed."""
    if action == "pre_clear":
        pk_set = set(related_of(instance).values_list("pk", flat=True))
        verb = "removed"
    elif action in ("post_add", "post_remove"):
        verb = "added" if action == "post_add" else "removed"
    else:
        return
    if not pk_set:
        return
    if not reverse:
        yield instance, f"{verb}: {_names(model, pk_set)}"
    else:
        for owner in model.objects.filter(pk__in=pk_set):
            yield owner, f"{verb}: {instance}"


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security.audit_groups")
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    related = (lambda u: u.groups.all()) if not reverse else (lambda g: g.user_set.all())
    for user, description in _m2m_change(instance, action, reverse, model, pk_set, related):
        record_event(EventKind.GROUPS_CHANGED, user=user, detail=description)


@receiver(
    m2m_changed, sender=User.user_permissions.through, dispatch_uid="security.audit_user_perms"
)
def _user_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    related = (lambda u: u.user_permissions.all()) if not reverse else (lambda p: p.user_set.all())
    for user, description in _m2m_change(instance, action, reverse, model, pk_set, related):
        record_event(EventKind.USER_PERMISSIONS_CHANGED, user=user, detail=description)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="security.audit_role_perms")
def _role_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    # The role sync runs after every migrate (election_protocol.apps); on a partial migrate the
    # audit table may not exist yet, and a role sync must not fail for want of it.
    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        return
    related = (lambda g: g.permissions.all()) if not reverse else (lambda p: p.group_set.all())
    for group, description in _m2m_change(instance, action, reverse, model, pk_set, related):
        record_event(
            EventKind.ROLE_PERMISSIONS_CHANGED, username="", detail=f"{group}: {description}"
        )


# --- object permissions (django-guardian) and two-factor devices ---------------------------------


def _cascaded_from_user(origin, user_id) -> bool:
    # Deleting a user cascades to their devices and object permissions; a row pointing at the
    # user being deleted would break the deletion, so such rows keep only the username.
    return isinstance(origin, User) and origin.pk == user_id


def _object_permission_detail(instance) -> str:
    holder = f"role {instance.group}" if isinstance(instance, GroupObjectPermission) else "user"
    content_type = instance.content_type
    return (
        f"{instance.permission.codename} on {content_type.app_label}.{content_type.model} "
        f"#{instance.object_pk} ({holder})"
    )


def _object_permission_event(kind, instance, origin=None) -> None:
    user = getattr(instance, "user", None)
    if user is not None and _cascaded_from_user(origin, user.pk):
        record_event(kind, username=user.get_username(), detail=_object_permission_detail(instance))
        return
    record_event(kind, user=user, detail=_object_permission_detail(instance))


@receiver(post_save, sender=UserObjectPermission, dispatch_uid="security.audit_uop_add")
@receiver(post_save, sender=GroupObjectPermission, dispatch_uid="security.audit_gop_add")
def _object_permission_granted(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _object_permission_event(EventKind.OBJECT_PERMISSION_GRANTED, instance)


@receiver(post_delete, sender=UserObjectPermission, dispatch_uid="security.audit_uop_del")
@receiver(post_delete, sender=GroupObjectPermission, dispatch_uid="security.audit_gop_del")
def _object_permission_revoked(sender, instance, origin=None, **kwargs) -> None:
    _object_permission_event(EventKind.OBJECT_PERMISSION_REVOKED, instance, origin)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="security.audit_device_removed")
def _device_removed(sender, instance, origin=None, **kwargs) -> None:
    if not instance.confirmed:
        return  # an abandoned set-up, never in use
    user = instance.user
    if _cascaded_from_user(origin, instance.user_id):
        record_event(EventKind.TWO_FACTOR_REMOVED, username=user.get_username())
        return
    record_event(EventKind.TWO_FACTOR_REMOVED, user=user)
