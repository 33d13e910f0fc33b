"""Object-level permissions (django-rules): who may see and record which board action.

Model-level permissions come from the role groups (accounts/roles.py) through Django's
ModelBackend; these rules answer the questions about one record, through rules'
ObjectPermissionBackend. With no record (obj None) a scope rule is true, so the model-level
answer stands.
"""

import rules

from accounts.roles import CHAMPION, CONTACT, LEAD, OFFICER

is_officer = rules.is_group_member(OFFICER)
is_champion = rules.is_group_member(CHAMPION)
is_lead = rules.is_group_member(LEAD)
is_contact = rules.is_group_member(CONTACT)


def _profile(user):
    try:
        return user.profile
    except AttributeError:  # AnonymousUser, or a user with no profile (RelatedObjectDoesNotExist)
        return None


def contact_provider_ids(user) -> set[int]:
    """The providers a provider contact acts for (none for anyone else)."""
    profile = _profile(user)
    if profile is None or not is_contact(user):
        return set()
    return set(profile.providers.values_list("pk", flat=True))


@rules.predicate
def action_in_own_remit(user, action) -> bool:
    if action is None:
        return True
    profile = _profile(user)
    return bool(profile and profile.remit and action.remit == profile.remit)


@rules.predicate
def action_in_own_lcpa(user, action) -> bool:
    if action is None:
        return True
    profile = _profile(user)
    return bool(profile and profile.region_id and action.region_id == profile.region_id)


may_see_action = (
    rules.is_superuser | is_officer | is_champion | (is_lead & action_in_own_lcpa)
)
may_record_action = (
    rules.is_superuser | (is_champion & action_in_own_remit) | (is_lead & action_in_own_lcpa)
)

rules.add_perm("coldspots.view_boardaction", may_see_action)
rules.add_perm("coldspots.add_boardaction", may_record_action)
rules.add_perm("coldspots.change_boardaction", may_record_action)
rules.add_perm("coldspots.delete_boardaction", rules.is_superuser)
