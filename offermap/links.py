"""Links that keep the map's current view: sort and page links, downloads, the shared URL.

Pure functions over Django's QueryDict, so that every link changes only what it must.
"""

from django.http import QueryDict


def query_string(query, **changes) -> str:
    """The current GET data with some parameters changed ("" or None removes one)."""
    updated = query.copy()
    for key, value in changes.items():
        updated.pop(key, None)
        if value not in ("", None):
            updated[key] = value
    return updated.urlencode()


def sort_links(query, current: str, names, param: str) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (toggling direction) and aria-sort."""
    result = {}
    for name in names:
        ascending_now = current == name
        descending_now = current == f"-{name}"
        target = f"-{name}" if ascending_now else name
        result[name] = {
            "query": query_string(query, **{param: target, "page": None}),
            "aria_sort": "ascending" if ascending_now else (
                "descending" if descending_now else "none"
            ),
        }
    return result


def page_links(query, page) -> dict:
    """Previous, next and numbered page links (None for the gaps of an elided range)."""
    paginator = page.paginator
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return {
        "previous": query_string(query, page=page.previous_page_number())
        if page.has_previous() else None,
        "next": query_string(query, page=page.next_page_number()) if page.has_next() else None,
        "numbers": [
            {"number": n, "query": query_string(query, page=n) if isinstance(n, int) else None}
            for n in numbers
        ],
    }


def shareable_url(path: str, query: QueryDict) -> str:
    """The view's address without the form's empty fields, so shared links stay short."""
    kept_query = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            kept_query.setlist(key, kept)
    encoded = kept_query.urlencode()
    return path + (f"?{encoded}" if encoded else "")
