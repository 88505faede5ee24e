"""The publishing core runs without MkDocs, Material or click (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ("build.pipeline", "publishing", "rendering", "verify", "build.shell")
FRAMEWORKS = ("mkdocs", "material", "click")

# A fresh interpreter where importing a framework fails outright, so that a lazy or
# indirect import is caught too, then a look at sys.modules for good measure.
_PROBE = """
import importlib, importlib.abc, sys
FRAMEWORKS = {frameworks!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FRAMEWORKS:
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
importlib.import_module({module!r})
loaded = sorted(m for m in sys.modules if m.split(".")[0] in FRAMEWORKS)
assert not loaded, loaded
"""


@pytest.mark.parametrize("name", CORE)
def test_core_module_imports_no_framework(name: str) -> None:
    code = _PROBE.format(frameworks=FRAMEWORKS, module=f"bilan_gen.{name}")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_probe_catches_a_framework_import() -> None:
    code = _PROBE.format(frameworks=FRAMEWORKS, module="bilan_gen.mkdocs_plugin.plugin")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "blocked: mkdocs" in result.stderr
