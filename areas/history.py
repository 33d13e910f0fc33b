"""History for bulk loads and imports: who (a named system user or `--user`) and why.

django-simple-history records a save() by hand in the admin with the signed-in user. Loads and
imports write in bulk, which sends no save signal, so they go through these helpers:
`recorded_as(user, reason)` sets who and why for a block of work, and `bulk_create` /
`bulk_update` use simple-history's bulk helpers when the model is tracked. `starting_history`
gives any tracked record still without history (loaded before history was kept) its "+" entry,
so that its first edit can be seen and reverted.

It lives in `areas` (the lowest app) because the shared upsert that every loader uses is there.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

SYSTEM_USERNAME = "kent-data-loader"
REASON_LENGTH = 100  # simple-history's history_change_reason column


def fit(reason: str) -> str:
    """A reason shortened to what the history column holds (a long file path, say)."""
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"

_who_and_why: contextvars.ContextVar[tuple[object, str] | None] = contextvars.ContextVar(
    "history_who_and_why", default=None
)


def system_user():
    """The named account that loads and imports run as when no person is given.

    It cannot sign in (no usable password, not active): it only names the change.
    """
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Kent data", "last_name": "loader", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def user_named(username: str | None):
    """The user for `--user USERNAME`, or the system user when none is given."""
    if not username:
        return system_user()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise LookupError(f"No user {username!r} is recorded (see --user).") from None


@contextmanager
def recorded_as(user, reason: str) -> Iterator[None]:
    """Bulk writes inside this block are recorded in history as `user`, because `reason`."""
    token = _who_and_why.set((user, fit(reason)))
    try:
        yield
    finally:
        _who_and_why.reset(token)


def current() -> tuple[object, str]:
    return _who_and_why.get() or (None, "")


def is_tracked(model) -> bool:
    return hasattr(model, "history") and hasattr(model._meta, "simple_history_manager_attribute")


def stamp(instance, user, reason: str) -> None:
    """Name who and why on one instance before its save() writes a history entry."""
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = fit(reason)


def bulk_create(model, objs: list, *, batch_size: int) -> None:
    if not is_tracked(model):
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    user, reason = current()
    bulk_create_with_history(
        objs, model, batch_size=batch_size, default_user=user,
        default_change_reason=reason or None,
    )


def bulk_update(model, objs: list, fields: list[str], *, batch_size: int) -> None:
    if not is_tracked(model):
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    user, reason = current()
    bulk_update_with_history(
        objs, model, fields, batch_size=batch_size, default_user=user,
        default_change_reason=reason or None,
    )


def starting_history(models: Iterable, *, batch_size: int = 2000) -> dict[str, int]:
    """Give each tracked record with no history a "+" entry; returns how many, per model."""
    user, _ = current()
    added = {}
    for model in filter(is_tracked, models):
        history_model = model.history.model
        without = model.objects.exclude(
            pk__in=history_model.objects.values(model._meta.pk.attname)
        ).order_by("pk")
        count = 0
        batch = []
        for obj in without.iterator(chunk_size=batch_size):
            batch.append(obj)
            if len(batch) == batch_size:
                count += _history_for(model, batch, user)
                batch = []
        if batch:
            count += _history_for(model, batch, user)
        if count:
            added[model._meta.label] = count
    return added


STARTING_REASON = "Starting entry: the record as held when its history began"


def _history_for(model, objs, user) -> int:
    model.history.bulk_history_create(objs, default_user=user,
                                      default_change_reason=STARTING_REASON)
    return len(objs)
