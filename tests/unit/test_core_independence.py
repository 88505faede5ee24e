"""The core imports neither MkDocs, Material nor click: only the adapters do."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import bilan_gen

ADAPTERS = ("bilan_gen.cli", "bilan_gen.mkdocs_plugin")
FRAMEWORKS = ("mkdocs", "material", "click")


def _is_adapter(name: str) -> bool:
    return any(name == a or name.startswith(a + ".") or name.startswith(a + "_") for a in ADAPTERS)


def core_modules() -> list[str]:
    """Every module of bilan_gen but the CLI and MkDocs adapters, found on disk."""
    found = pkgutil.walk_packages(bilan_gen.__path__, prefix="bilan_gen.")
    return sorted(m.name for m in found if not _is_adapter(m.name))


def test_core_modules_are_discovered() -> None:
    modules = core_modules()
    for name in ("bilan_gen.validation", "bilan_gen.loading", "bilan_gen.config"):
        assert name in modules
    assert "bilan_gen.cli" not in modules
    assert not any(m.startswith("bilan_gen.mkdocs_plugin") for m in modules)


def test_core_imports_no_framework() -> None:
    imports = "; ".join(f"import {name}" for name in core_modules())
    code = (
        f"import sys; {imports}; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
