"""Rule 2 (dossier, phase, consultant, unique ids) and rule 10 (identity never echoed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EMAIL, NOM, PRENOM, Project

from bilan_gen.diagnostics import format_diagnostic
from bilan_gen.folding import fold

SYNTHESE = "dossiers/2026-001/synthese.md"
PRELIM = "dossiers/2026-001/01-preliminaire.md"


def test_dossier_must_match_folder(project: Project) -> None:
    project.replace("01-preliminaire.md", 'dossier: "2026-001"', 'dossier: "2026-010"')
    assert project.lines() == [
        f"{PRELIM}:2: erreur: « dossier » vaut « 2026-010 » mais le dossier s'appelle "
        "« 2026-001 » [dossier-incoherent]",
    ]


def test_phase_must_match_file(project: Project) -> None:
    project.replace("01-preliminaire.md", "phase: preliminaire", "phase: investigation")
    assert project.lines() == [
        f"{PRELIM}:3: erreur: « phase » vaut « investigation » mais 01-preliminaire.md attend "
        "« preliminaire » [phase-incoherente]",
    ]


def test_consultant_must_be_listed(project: Project) -> None:
    project.replace("synthese.md", "consultant: Claire Mercier", "consultant: Paul Martin")
    project.replace("synthese.md", "redigee_par: Claire Mercier", "redigee_par: Claire")
    assert project.lines() == [
        f"{SYNTHESE}:4: erreur: « consultant » : « Paul Martin » n'est pas dans les consultants "
        "de dossier.yml [consultant-inconnu]",
        f"{SYNTHESE}:6: erreur: « redigee_par » : « Claire » n'est pas dans les consultants de "
        "dossier.yml [consultant-inconnu]",
    ]


def test_second_consultant_accepted(project: Project) -> None:
    project.replace("dossier.yml", "  - Claire Mercier", "  - Claire Mercier\n  - Paul Martin")
    project.replace("synthese.md", "consultant: Claire Mercier", "consultant: Paul Martin")
    assert project.diagnostics() == []


def _case_sensitive(path: Path) -> bool:
    probe = path / "Aa"
    probe.mkdir()
    sensitive = not (path / "aa").exists()
    probe.rmdir()
    return sensitive


def test_ids_unique_ignoring_case(project: Project) -> None:
    assert _case_sensitive(project.dossiers_dir), "this test needs a case-sensitive file system"
    project.copy_base("abc-1")
    project.copy_base("ABC-1")
    triples = project.triples()
    assert ("id-duplique", "dossiers/abc-1", 0) in triples
    assert ("id-invalide", "dossiers/ABC-1", 0) in triples
    dup = [d for d in project.diagnostics() if d.code == "id-duplique"]
    assert [format_diagnostic(d, project.root) for d in dup] == [
        "dossiers/abc-1: erreur: identifiant « abc-1 » déjà pris par « ABC-1 » (casse ignorée) "
        "[id-duplique]",
    ]


# --- Rule 10: the beneficiary's identity never appears in a diagnostic ------------------

IDENTITY = (PRENOM, NOM, EMAIL, fold(PRENOM), fold(NOM))


def _assert_no_identity(project: Project) -> None:
    messages = project.messages()
    assert messages, "the patch should have produced diagnostics"
    for message in messages:
        for value in IDENTITY:
            assert value.casefold() not in message.casefold(), message


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("dossier.yml", "preuve: contrat", f"preuve: {NOM}"),
        ("dossier.yml", "mode: cpf", f"mode: {PRENOM} {NOM}"),
        ("dossier.yml", "date_debut: 2026-03-02", f"date_debut: {EMAIL}"),
        ("dossier.yml", "  - Claire Mercier", f"  - Claire Mercier\n  - {EMAIL}: 1"),
        ("synthese.md", "consultant: Claire Mercier", f"consultant: {PRENOM} {NOM}"),
        ("synthese.md", "consultant: Claire Mercier", f"consultant: {fold(PRENOM)} {NOM}"),
        ("synthese.md", "redigee_par: Claire Mercier", f"redigee_par: {EMAIL}"),
        ("synthese.md", "statut: finalise", f"statut: finalise\n{NOM.lower()}: oui"),
        ("synthese.md", "mode_remise: espace_prive", f"mode_remise: {fold(PRENOM).upper()}"),
        ("01-preliminaire.md", 'dossier: "2026-001"', f"dossier: {fold(PRENOM)}-{NOM}"),
        ("01-preliminaire.md", "type: entretien_individuel", f"type: {PRENOM}"),
        ("dossier.yml", "  prenom: Zéphyrine", "  prenom: [Zéphyrine]"),
        ("dossier.yml", "  nom: Quillebeuf", "  nom: 12"),
    ],
)
def test_identity_never_echoed(project: Project, name: str, old: str, new: str) -> None:
    project.replace(name, old, new)
    _assert_no_identity(project)


def test_identity_never_echoed_in_file_names(project: Project) -> None:
    project.write(f"{NOM}.md", "# Notes\n")
    project.write(f"{fold(PRENOM)}.txt", "notes")
    project.write("annexes/bilan-quillebeuf.png", "png")
    _assert_no_identity(project)
