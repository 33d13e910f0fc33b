"""Django's `{# #}` comment is one line only: one spread over lines is sent to the visitor as
text (the map page once showed a developer's note under the map). Use `{% comment %}` there."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_opens_a_comment_it_does_not_close_on_the_same_line():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert TEMPLATES.is_dir() and not unclosed, unclosed
