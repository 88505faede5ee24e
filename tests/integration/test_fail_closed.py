"""A build that finds a leak or an invalid dossier publishes nothing.

Each test starts from a copy of the successfully built sample, breaks it, rebuilds, and
checks that the build failed, said why without repeating the secret, and left the previous
``site/`` byte for byte as it was, with no staging folder behind.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sitebuild import BuildResult, build, tree_digest
from siteread import identities

from bilan_gen.config import Options
from bilan_gen.diagnostics import format_diagnostic
from bilan_gen.validation import check_project

SENTENCE_START = "Le projet a été confronté à la réalité"
"""A distinctive sentence of the synthèse of 2026-014."""
_DIAGNOSTIC = re.compile(r"(\S+:\d+: erreur: .* \[[a-z0-9-]+\])$", re.M)


def rebuild_fails(project: Path) -> BuildResult:
    """Rebuild ``project`` and check that it failed closed."""
    before = tree_digest(project / "site")
    result = build(project)
    assert result.returncode != 0, result.output
    assert tree_digest(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site"]
    return result


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def synthese_sentence(project: Path) -> str:
    synthese = project / "dossiers" / "2026-014" / "synthese.md"
    (line,) = [
        line
        for line in synthese.read_text(encoding="utf-8").splitlines()
        if line.startswith(SENTENCE_START)
    ]
    return line


@pytest.mark.parametrize(
    "written",
    ["Témoignage de {full_name}.", "Merci à Mme {nom}.", "Écrire à {email}."],
    ids=["full_name", "nom", "email"],
)
def test_beneficiary_identity_in_content_fails_closed(built_copy: Path, written: str) -> None:
    ident = identities(built_copy)["2026-014"]
    line = written.format(full_name=ident.full_name, nom=ident.nom, email=ident.email)
    append(built_copy / "content" / "index.md", f"\n{line}\n")
    result = rebuild_fails(built_copy)
    assert "fuite détectée dans index.html" in result.output
    assert "2026-014" in result.output
    for value in (ident.full_name, ident.nom, ident.email):
        assert value.lower() not in result.output.lower()


@pytest.mark.parametrize("retyped", [False, True], ids=["pasted", "retyped"])
def test_synthese_sentence_in_content_fails_closed(built_copy: Path, retyped: bool) -> None:
    sentence = synthese_sentence(built_copy)
    if retyped:  # plain spaces and apostrophes, as typed on a keyboard
        sentence = sentence.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    assert len(sentence.split()) > 30
    append(built_copy / "content" / "index.md", f"\n{sentence}\n")
    result = rebuild_fails(built_copy)
    assert "fuite détectée dans index.html" in result.output
    assert "2026-014" in result.output
    assert "enquêtes métiers" not in result.output


def test_invalid_dossier_fails_with_each_diagnostic_once(built_copy: Path) -> None:
    config = built_copy / "dossiers" / "2026-021" / "dossier.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  mode: plan_developpement", "  mode: gratuit")
    text = re.sub(r"^date_debut:.*\n", "", text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    result = rebuild_fails(built_copy)

    lines = _DIAGNOSTIC.findall(result.output)
    counts = Counter(lines)
    assert counts and set(counts.values()) == {1}, result.output
    assert {line.split(":")[0] for line in lines} == {"dossiers/2026-021/dossier.yml"}
    assert any(line.endswith("[champ-manquant]") and "date_debut" in line for line in lines)
    # dossier.yml values are never quoted (a broken file could put a name anywhere)
    assert any(line.endswith("[valeur-invalide]") and "financement.mode" in line for line in lines)
    assert not any("gratuit" in line for line in lines)

    checked, tree = check_project(Options(built_copy, built_copy / "dossiers"))
    expected = [
        format_diagnostic(d, built_copy)
        for d in [*tree, *(d for c in checked for d in c.diagnostics)]
        if d.is_error
    ]
    assert sorted(expected) == sorted(lines)
    ident = identities(built_copy)["2026-021"]
    assert ident.nom not in result.output and ident.email not in result.output
