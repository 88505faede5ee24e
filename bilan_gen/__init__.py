"""bilan-gen: write, check, publish and print bilan de compétences dossiers."""

from __future__ import annotations

__version__ = "0.1.0"
