"""Object rules for the offer round (django-rules, autodiscovered): a provider contact sees and
changes only their own providers' submissions, and changes them only while they are with the
provider; officers see every submission, open rounds and review. Asked through `user.has_perm`
always with the submission, so the contact group's model permissions never answer alone.
"""

import rules

from accounts.rules import contact_provider_ids, is_contact, is_officer


@rules.predicate
def own_provider(user, submission) -> bool:
    if submission is None:
        return True
    return submission.provider_id in contact_provider_ids(user)


@rules.predicate
def with_the_provider(user, submission) -> bool:
    return submission is None or submission.is_editable


rules.add_perm("offerround.view_submission",
               rules.is_superuser | is_officer | (is_contact & own_provider))
rules.add_perm("offerround.change_submission",
               (rules.is_superuser | (is_contact & own_provider)) & with_the_provider)
# Reviewing (accept or return) and opening a round and sending reminders: the council's job.
rules.add_perm("offerround.review_submission", rules.is_superuser | is_officer)
rules.add_perm("offerround.add_offerround", rules.is_superuser | is_officer)
# Closing, reopening and deleting a round, and adding a provider to it: also the council's.
rules.add_perm("offerround.change_offerround", rules.is_superuser | is_officer)
rules.add_perm("offerround.delete_offerround", rules.is_superuser | is_officer)
