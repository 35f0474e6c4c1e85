"""Staff roles: one Django group each, with the model permissions that role holds.

Roles are configuration kept in code so that every installation has the same groups; the
groups are brought into line after every migrate (see apps.py). Object-level permissions
(a liaison seeing only the entries assigned to them) are granted with django-guardian by the
apps that need them, behind their permissions.py.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import models


class Role(models.TextChoices):
    SPOC = "SPOC officer", "SPOC officer"
    CHIEF_EXECUTIVE = "Chief Executive", "Chief Executive"
    CHIEF_CONSTABLE = "Chief Constable", "Chief Constable"
    CHIEF_FIRE_OFFICER = "Chief Fire Officer", "Chief Fire Officer"
    POLICE_LIAISON = "Police liaison", "Police liaison"
    FIRE_LIAISON = "Fire liaison", "Fire liaison"
    AUDITOR = "Auditor", "Auditor (read-only)"


_VIEW_ELECTION = ["election_protocol.view_election", "election_protocol.view_nonworkingday"]
_MANAGE_ELECTION = [
    "election_protocol.change_election",
    "election_protocol.add_nonworkingday",
    "election_protocol.change_nonworkingday",
    "election_protocol.delete_nonworkingday",
]
_VIEW_CANDIDATES = ["candidates.view_candidate", "candidates.view_party"]
_MANAGE_CANDIDATES = [
    "candidates.add_candidate",
    "candidates.change_candidate",
    "candidates.change_candidate_status",
    "candidates.import_sopn",
    "candidates.view_candidate_contacts",
]

_REGISTER_VIEW = ["requests_register.view_entry", "briefings.view_briefingmaterial"]
_BRIEFINGS_VIEW = [
    "briefings.view_booking",
    "briefings.view_briefingevent",
    "briefings.view_offeritem",
    "briefings.view_candidateoffer",
]
_BRIEFINGS_MANAGE = [
    "briefings.add_booking",
    "briefings.change_booking",
    "briefings.add_briefingevent",
    "briefings.change_briefingevent",
    "briefings.change_candidateoffer",
    "briefings.add_briefingmaterial",
    "briefings.change_briefingmaterial",
]
_REGISTER_MANAGE = [
    "requests_register.add_entry",
    "requests_register.change_entry",
    "requests_register.assign_entry",
    "requests_register.view_requester_contacts",
    "requests_register.export_register",
    "requests_register.view_emailtemplate",
    "requests_register.change_emailtemplate",
]
_PUBLISHING_VIEW = ["publishing.view_publicentry"]
# Prepare and approve: four eyes (never one's own, nor what one restored) is a rule in
# publishing.rules, not a role.
_PUBLISHING_MANAGE = [
    "publishing.add_publicentry",
    "publishing.change_publicentry",
    "publishing.approve_publicentry",
]

# The audit log of sign-ins and permission changes (security app): the Chief Executive, who
# answers for the office's conduct, and the auditor.
_AUDIT_VIEW = ["security.view_auditevent"]

# Data protection (dataprotection app): the retention page is for the SPOC, the Chief Executive
# and the auditor; legal holds and subject access exports (every contact detail) for the roles
# that already see contact details; the retention period is the Chief Executive's decision.
_DATA_PROTECTION_VIEW = ["dataprotection.view_retentionrun"]
_DATA_PROTECTION_MANAGE = [
    "requests_register.set_legal_hold",
    "dataprotection.export_subject_data",
    "dataprotection.view_subjectaccessrequest",
]

# Incidents (issue 12): the SPOC and the Chief Executive record and manage them; the Chief
# Executive decides (decide_incident, global); chiefs decide only their own service's (object
# permissions granted by incidents.services); the auditor reads.
_INCIDENTS_VIEW = ["incidents.view_incident"]
_INCIDENTS_MANAGE = [
    "incidents.add_incident",
    "incidents.change_incident",
    "incidents.change_incidentsettings",
]

# The equal-treatment report (reports app, issue 13 item 6): staff-only figures per candidate
# and party, for the SPOC, the Chief Executive and the auditor; never chiefs or liaisons.
_REPORTS_VIEW = ["reports.view_equal_treatment_report"]
# Issue 15. The protocol document: everyone reads it (and says so); the SPOC and the Chief
# Executive write new versions; the Chief Executive and the auditor see who has not read it.
# The close-down: the SPOC and the Chief Executive take its steps; the auditor reads it.
_PROTOCOL_VIEW = ["protocol.view_protocolversion"]
_PROTOCOL_MANAGE = ["protocol.add_protocolversion"]
_CLOSEDOWN_VIEW = ["lifecycle.view_closure"]
_CLOSEDOWN_MANAGE = ["lifecycle.close_down_election"]

# Chiefs see who the candidates are (they approve meetings with them) but not their private
# contact details; liaisons see neither until an entry is assigned to them.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.SPOC: _VIEW_ELECTION
    + _MANAGE_ELECTION
    + _VIEW_CANDIDATES
    + _MANAGE_CANDIDATES
    + _REGISTER_VIEW
    + _REGISTER_MANAGE
    + _BRIEFINGS_VIEW
    + _PUBLISHING_VIEW
    + _PUBLISHING_MANAGE
    + _BRIEFINGS_MANAGE
    + _DATA_PROTECTION_VIEW
    + _DATA_PROTECTION_MANAGE
    + _INCIDENTS_VIEW
    + _INCIDENTS_MANAGE
    + _REPORTS_VIEW
    + _PROTOCOL_VIEW
    + _PROTOCOL_MANAGE
    + _CLOSEDOWN_VIEW
    + _CLOSEDOWN_MANAGE,
    Role.CHIEF_EXECUTIVE: _VIEW_ELECTION
    + _MANAGE_ELECTION
    + _VIEW_CANDIDATES
    + _MANAGE_CANDIDATES
    + ["candidates.correct_candidate_status"]
    + _REGISTER_VIEW
    + _REGISTER_MANAGE
    + ["requests_register.approve_answer"]
    + _BRIEFINGS_VIEW
    + _BRIEFINGS_MANAGE
    + _PUBLISHING_VIEW
    + _PUBLISHING_MANAGE
    + ["briefings.approve_booking"]
    + _AUDIT_VIEW
    + _DATA_PROTECTION_VIEW
    + _DATA_PROTECTION_MANAGE
    + ["dataprotection.change_retention_period"]
    + _INCIDENTS_VIEW
    + _INCIDENTS_MANAGE
    + ["incidents.decide_incident"]
    + _REPORTS_VIEW
    + _PROTOCOL_VIEW
    + _PROTOCOL_MANAGE
    + ["protocol.view_acknowledgements"]
    + _CLOSEDOWN_VIEW
    + _CLOSEDOWN_MANAGE,
    # Chiefs' offices and liaisons see only the register entries assigned to them (object
    # permissions granted on assignment); liaisons log requests that reached their service.
    Role.CHIEF_CONSTABLE: _VIEW_ELECTION + _VIEW_CANDIDATES + _PROTOCOL_VIEW,
    Role.CHIEF_FIRE_OFFICER: _VIEW_ELECTION + _VIEW_CANDIDATES + _PROTOCOL_VIEW,
    Role.POLICE_LIAISON: [*_VIEW_ELECTION, "requests_register.add_entry", *_PROTOCOL_VIEW],
    Role.FIRE_LIAISON: [*_VIEW_ELECTION, "requests_register.add_entry", *_PROTOCOL_VIEW],
    Role.AUDITOR: _VIEW_ELECTION
    + _VIEW_CANDIDATES
    + _REGISTER_VIEW
    + ["requests_register.export_register"]
    + _PUBLISHING_VIEW
    + _BRIEFINGS_VIEW
    + _AUDIT_VIEW
    + _DATA_PROTECTION_VIEW
    + _INCIDENTS_VIEW
    + _REPORTS_VIEW
    + _PROTOCOL_VIEW
    + ["protocol.view_acknowledgements"]
    + _CLOSEDOWN_VIEW,
}


def sync_role_groups(using: str = "default") -> None:
    """Create each role's group and set its permissions to exactly ROLE_PERMISSIONS.

    Effects: groups created if missing; each group's permission set replaced. Idempotent.
    Raises LookupError naming a permission that does not exist, so a typo cannot silently
    leave a role without a permission it should have.
    """
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is None:
                raise LookupError(f"Role {role.label!r} names unknown permission {code!r}")
            perms.append(perm)
        group.permissions.set(perms)
