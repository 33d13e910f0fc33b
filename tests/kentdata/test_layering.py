"""The pipeline app sits beside the others: it imports areas and providers; nothing imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"areas", "providers", "coldspots", "offermap", "kentdata", "kent_offer"}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names & PROJECT_APPS


def _modules(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def test_no_app_imports_kentdata():
    """No module of areas, providers, coldspots, offermap or the settings imports kentdata."""
    offenders = [
        str(path.relative_to(ROOT))
        for app in PROJECT_APPS - {"kentdata"}
        for path in _modules(app)
        if "kentdata" in _imported_apps(path)
    ]
    assert offenders == []


def test_kentdata_imports_only_areas_and_providers():
    """kentdata's modules import no project app but areas, providers and itself."""
    allowed = {"areas", "providers", "kentdata"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) - allowed)
        for path in _modules("kentdata")
        if _imported_apps(path) - allowed
    }
    assert offenders == {}
