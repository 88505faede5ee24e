"""``bilan status``: the board, exact output, CSV and JSON, filters, names only on request."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import NOM, PRENOM, Project, invoke_cli

HEADER = (
    "Dossier   Consultant       P I C S  Heures  Séance    Remise    Suivi     État        "
    "Err.  Avert."
)
LEGEND = [
    "",
    "P I C S : préliminaire, investigation, conclusions, synthèse ; "
    "F finalisé, B brouillon, - absent.",
    "Heures : séances / maximum ; Séance : la dernière ; Remise : de la synthèse ; "
    "Suivi : date prévue.",
    "État : en cours, grâce (le temps d'imprimer), conservé, à détruire (bilan purge).",
]
CONSERVATION = re.compile(r"^conservation:\n(?:  .*\n)*", re.M)


@pytest.fixture
def office(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Three dossiers: complete (Claire Mercier); in progress (Hélène Castagné), its follow-up
    proposed but not dated yet (an error); a copy whose front matter names another id.

    Nothing is kept after the end: the finished ones (2026-04-20) are « à détruire » on any
    day after their 30 days of grace.
    """
    yml = project.path("dossier.yml")
    yml.write_text(CONSERVATION.sub("", yml.read_text(encoding="utf-8")), encoding="utf-8")
    ident = "2026-002"
    project.copy_base(ident)
    for name in ("01-preliminaire.md", "02-investigation.md"):
        project.replace(name, 'dossier: "2026-001"', f'dossier: "{ident}"', ident)
        project.replace(name, "consultant: Claire Mercier", "consultant: Hélène Castagné", ident)
    project.replace("dossier.yml", "  - Claire Mercier", "  - Hélène Castagné", ident)
    project.delete("synthese.md", ident)
    project.delete("03-conclusions.md", ident)
    project.replace("02-investigation.md", "statut: finalise", "statut: brouillon", ident)
    project.replace("dossier.yml", "date_fin: 2026-04-20\n", "", ident)
    project.replace("dossier.yml", "  date_prevue: 2026-10-20\n", "", ident)
    project.copy_base("2026-003")  # its front matter still says 2026-001: four errors
    monkeypatch.chdir(project.root)
    return project


def run(*args: str) -> tuple[int, str]:
    result = invoke_cli(["status", *args])
    return result.exit_code, result.output


def test_board(office: Project) -> None:
    assert run() == (
        0,
        "\n".join(
            [
                HEADER,
                "2026-001  Claire Mercier   F F F F   15/24  20/04/26  20/04/26  20/10/26  "
                "à détruire     0       0",
                "2026-002  Hélène Castagné  F B - -   11/24  23/03/26  non       à dater   "
                "en cours       1       0",
                "2026-003  Claire Mercier   F F F F   15/24  20/04/26  20/04/26  20/10/26  "
                "à détruire     4       0",
                *LEGEND,
                "3 dossiers dont 2 avec la synthèse remise, 2 à détruire ; 5 erreurs, "
                "0 avertissement.",
                "",
            ]
        ),
    )


def test_board_of_one_consultant(office: Project) -> None:
    code, output = run("--consultant", "HELENE castagne")
    assert code == 0
    lines = output.splitlines()
    assert [line.split()[0] for line in lines[1:2]] == ["2026-002"]
    assert lines[-1] == "1 dossier dont 0 avec la synthèse remise ; 1 erreur, 0 avertissement."


def test_no_colours_outside_a_terminal(office: Project) -> None:
    assert "\x1b[" not in run()[1]


def test_csv(office: Project) -> None:
    code, output = run("--format", "csv", "--consultant", "Claire Mercier")
    assert (code, output) == (
        0,
        "dossier,consultants,preliminaire,investigation,conclusions,synthese,heures,heures_max,"
        "derniere_seance,synthese_remise,synthese_remise_le,suivi_propose,suivi_date,etat,"
        "erreurs,avertissements\n"
        "2026-001,Claire Mercier,finalise,finalise,finalise,finalise,15.0,24.0,2026-04-20,oui,"
        "2026-04-20,oui,2026-10-20,a_detruire,0,0\n"
        "2026-003,Claire Mercier,finalise,finalise,finalise,finalise,15.0,24.0,2026-04-20,oui,"
        "2026-04-20,oui,2026-10-20,a_detruire,4,0\n",
    )


def test_json(office: Project) -> None:
    code, output = run("--format", "json")
    assert code == 0
    data = json.loads(output)
    assert [d["dossier"] for d in data] == ["2026-001", "2026-002", "2026-003"]
    assert data[1] == {
        "dossier": "2026-002",
        "consultants": ["Hélène Castagné"],
        "phases": {
            "preliminaire": "finalise",
            "investigation": "brouillon",
            "conclusions": "absent",
            "synthese": "absent",
        },
        "heures": 11.0,
        "heures_max": 24.0,
        "derniere_seance": "2026-03-23",
        "synthese_remise": False,
        "synthese_remise_le": None,
        "suivi_propose": True,
        "suivi_date": None,
        "etat": "en_cours",
        "erreurs": 1,
        "avertissements": 0,
    }


@pytest.mark.parametrize("output_format", ["texte", "csv", "json"])
def test_names_never_shown_by_default(office: Project, output_format: str) -> None:
    output = run("--format", output_format)[1]
    assert PRENOM not in output and NOM not in output
    named = run("--format", output_format, "--noms")[1]
    assert PRENOM in named


def test_names_with_noms(office: Project) -> None:
    data = json.loads(run("--format", "json", "--noms")[1])
    assert {d["beneficiaire"] for d in data} == {f"{PRENOM} {NOM}"}
    lines = run("--noms")[1].splitlines()
    assert lines[0].split()[:3] == ["Dossier", "Bénéficiaire", "Consultant"]
    assert lines[1].split()[:2] == ["2026-001", PRENOM]
    assert max(len(line) for line in lines) <= 100


def test_empty_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dossiers").mkdir()
    monkeypatch.chdir(tmp_path)
    code, output = run()
    assert code == 0
    assert (
        output.splitlines()[-1]
        == "0 dossier dont 0 avec la synthèse remise ; 0 erreur, 0 avertissement."
    )
    assert run("--format", "json") == (0, "[]\n")


def test_wrong_format_is_a_usage_error(office: Project) -> None:
    code, output = run("--format", "xlsx")
    assert code == 2
    assert "Erreur : Valeur invalide pour '--format'" in output


def _run_in_a_terminal(cwd: Path, env: dict[str, str]) -> str:
    """``bilan status`` with its output on a real pseudo-terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bilan_gen.cli", "status"],
        cwd=cwd,
        env=env,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_colours_on_a_terminal_only(office: Project) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _run_in_a_terminal(office.root, env)
    assert "\x1b[31m\x1b[1m4\x1b[0m" in coloured  # the errors of 2026-003, bold red
    assert "\x1b[32mF\x1b[0m \x1b[33mB\x1b[0m" in coloured  # finalised green, draft yellow
    plain = _run_in_a_terminal(office.root, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert plain.replace("\r\n", "\n") == run()[1]
