"""The admin base for models with a change history (django-simple-history)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer 404 for an id that cannot be a key
    (e.g. /admin/providers/provider/abc/history/), where simple-history's own lookup
    raises and answers 500."""

    def _require_key(self, model, value):
        try:
            model._meta.pk.to_python(unquote(value))
        except ValidationError:
            raise Http404("No record has that id.") from None

    def history_view(self, request, object_id, extra_context=None):
        self._require_key(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_key(self.model, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        self._require_key(history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(HistoryAdmin):
    """Records written only by the app's own pages or services (which keep their rules): the
    admin shows them and their history, and nobody adds, changes or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
