"""The developer tooling stays at the edge: no runtime module imports ``ambito.devtools``, and ``ambito.core``
(outside its tests) imports no other Ambito app beyond the few it legitimately builds on."""

import ast
from pathlib import Path

AMBITO = Path(__file__).resolve().parents[2]
# core's own code reads the signed-in user's scope (accounts) and the Ambiti for the header (territory).
CORE_MAY_IMPORT = {"accounts", "territory"}


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                modules.add(node.args[0].value)
    return modules


def _python_files(folder: Path):
    return (path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def test_no_runtime_module_imports_the_devtools():
    offenders = sorted(
        str(path.relative_to(AMBITO))
        for path in _python_files(AMBITO)
        if "devtools" not in path.relative_to(AMBITO).parts
        and any(m == "ambito.devtools" or m.startswith("ambito.devtools.") for m in _imported_modules(path))
    )
    assert offenders == []


def test_core_imports_no_other_app_beyond_its_few_dependencies():
    core = AMBITO / "core"
    found = {}
    for path in _python_files(core):
        if "tests" in path.relative_to(core).parts:
            continue
        for module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "ambito" and len(parts) > 1 and (AMBITO / parts[1]).is_dir():
                if parts[1] not in {"core", *CORE_MAY_IMPORT}:
                    found.setdefault(str(path.relative_to(AMBITO)), set()).add(module)
    assert found == {}
