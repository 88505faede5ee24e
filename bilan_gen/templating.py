"""The Jinja2 environment of the package's templates (``bilan_gen/templates/``).

Autoescaped, strict about undefined values: templates receive prepared values only.
"""

from __future__ import annotations

import jinja2

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("bilan_gen", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # package files: no need to stat them again at every render
)
