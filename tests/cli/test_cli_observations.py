"""``bilan observations``: exact output and exit codes, and every byte of ``synthese.md``.

The messages are sealed as the browser seals them (the Python twin, whose output the browser
tests prove identical), for the base dossier of ``tests/data/base``.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from helpers import BASE_ID, Project, copy_base, invoke_cli

from bilan_gen.observations import Observation, provider_key
from bilan_gen.observations.envelope import format_armour, message_json, parse_armour, seal
from bilan_gen.publishing import access_from

SECRET = "ab" * 32
WRITTEN = dt.datetime(2026, 12, 11, 18, 42, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SYNTHESE = f"dossiers/{BASE_ID}/synthese.md"
TODAY = dt.date.today().strftime("%d/%m/%Y")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The base project as the working directory, its secret in .bilan/secret."""
    project = copy_base(tmp_path)
    (tmp_path / ".bilan").mkdir()
    (tmp_path / ".bilan" / "secret").write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BILAN_SECRET", raising=False)
    return project


def message(
    ident: str = BASE_ID,
    text: str = "Je suis d'accord avec ce document.",
    *,
    secret: str = SECRET,
    rotation: int = 0,
    message_id: str = "ab" * 16,
) -> str:
    key = access_from(ident, rotation, bytes.fromhex(SECRET)).key
    observation = Observation(ident, message_id, WRITTEN, text)
    blob = seal(provider_key(bytes.fromhex(secret)).point, key, message_json(observation))
    return "Bonjour,\n\nVoici mes observations.\n\n" + format_armour(blob)


def write_message(project: Project, text: str, name: str = "observations.txt") -> Path:
    path = project.root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_message_is_added_and_nothing_else_changes(project: Project) -> None:
    synthese = project.path("synthese.md")
    synthese.chmod(0o640)
    before = synthese.read_bytes()
    write_message(project, message())

    result = invoke_cli(["observations", BASE_ID, "observations.txt"])

    assert result.exit_code == 0
    after = synthese.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode() == (
        "\n## Observations du bénéficiaire\n\n"
        "<!-- bilan-observation abababababababababababababababab -->\n\n"
        f"*Observations écrites le 11/12/2026 à 18 h 42, ajoutées le {TODAY}.*\n\n"
        "> Je suis d'accord avec ce document.\n"
    )
    line = before.count(b"\n") + 4
    assert result.output == (
        f"{SYNTHESE}:{line}: observations du bénéficiaire écrites le 11/12/2026 à 18 h 42, "
        "ajoutées à la synthèse.\n"
        "Relisez-les, puis publiez le site (et imprimez de nouveau la synthèse avec bilan pdf) "
        "pour qu'elles y figurent.\n"
    )
    assert stat.S_IMODE(synthese.stat().st_mode) == 0o640
    assert sorted(p.name for p in project.folder().iterdir() if p.name.startswith(".")) == []
    assert invoke_cli(["check"]).output.endswith("Aucun problème : 1 dossier vérifié.\n")


@pytest.mark.parametrize("args", [[], ["-"]], ids=["no-file", "dash"])
def test_the_message_can_come_from_standard_input(project: Project, args: list[str]) -> None:
    result = invoke_cli(["observations", BASE_ID, *args], answer=message())
    assert result.exit_code == 0, result.output
    assert "> Je suis d'accord avec ce document." in project.read("synthese.md")


def test_a_replay_is_refused_and_the_file_is_left_alone(project: Project) -> None:
    write_message(project, message())
    assert invoke_cli(["observations", BASE_ID, "observations.txt"]).exit_code == 0
    once = project.path("synthese.md").read_bytes()
    line = once.decode().split("\n").index(f"<!-- bilan-observation {'ab' * 16} -->") + 1

    result = invoke_cli(["observations", BASE_ID, "observations.txt"])

    assert result.exit_code == 1
    assert result.output == (
        f"{SYNTHESE}:{line}: erreur: message déjà ajouté à la synthèse : il n'est pas ajouté une "
        "seconde fois [observation-deja-importee]\n"
    )
    assert project.path("synthese.md").read_bytes() == once


def _flip(text: str, index: int) -> str:
    blob, _ = parse_armour(text)
    data = bytearray(blob)
    data[index] ^= 0x10
    return "Bonjour,\n\n" + format_armour(bytes(data))


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, "message de version 17 : cette version de bilan-gen ne lit que la version 1"),
        (3, "message chiffré pour une autre clé"),
        (40, "message altéré : il ne se déchiffre pas"),
        (-1, "message altéré : il ne se déchiffre pas"),
    ],
    ids=["version", "key-id", "ephemeral-key", "tag"],
)
def test_a_tampered_message_is_refused(project: Project, index: int, expected: str) -> None:
    before = project.path("synthese.md").read_bytes()
    write_message(project, _flip(message(), index))

    result = invoke_cli(["observations", BASE_ID, "observations.txt"])

    assert result.exit_code == 1
    assert result.output.startswith(f"observations.txt:3: erreur: {expected}")
    assert project.path("synthese.md").read_bytes() == before


def test_another_dossier_another_site_and_a_revoked_code(project: Project) -> None:
    project.copy_base("2026-002")
    cases = [
        (message("2026-002"), "observation-autre-dossier"),
        (message(secret="cd" * 32), "observation-autre-cle"),
    ]
    for text, code in cases:
        write_message(project, text)
        result = invoke_cli(["observations", BASE_ID, "observations.txt"])
        assert (result.exit_code, result.output.rstrip()[-len(code) - 2 :]) == (1, f"[{code}]")
    project.replace("dossier.yml", "rotation: 0", "rotation: 1")
    write_message(project, message())
    result = invoke_cli(["observations", BASE_ID, "observations.txt"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "observations.txt:5: erreur: message écrit avec un ancien code d'accès de ce dossier"
    )


def test_a_text_that_is_no_message(project: Project) -> None:
    write_message(project, "Bonjour, voici mes remarques en clair.")
    result = invoke_cli(["observations", BASE_ID, "observations.txt"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "observations.txt: erreur: aucun message d'observations : le texte doit contenir"
    )


def test_without_the_site_secret_nothing_is_created(project: Project) -> None:
    (project.root / ".bilan" / "secret").unlink()
    write_message(project, message())
    result = invoke_cli(["observations", BASE_ID, "observations.txt"])
    assert result.exit_code == 1
    assert result.output == (
        "Erreur : secret du site introuvable (.bilan/secret ou BILAN_SECRET) : il faut celui du "
        "site sur lequel le bénéficiaire a écrit ; rien n'a été écrit\n"
    )
    assert not (project.root / ".bilan" / "secret").exists()


def test_the_secret_may_come_from_the_environment(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.root / ".bilan" / "secret").write_text("cd" * 32, encoding="utf-8")
    monkeypatch.setenv("BILAN_SECRET", SECRET)
    write_message(project, message())
    assert invoke_cli(["observations", BASE_ID, "observations.txt"]).exit_code == 0


def test_an_unknown_dossier_or_file_is_a_usage_error(project: Project) -> None:
    write_message(project, message())
    result = invoke_cli(["observations", "2026-999", "observations.txt"])
    assert result.exit_code == 2
    assert "dossier(s) introuvable(s) : 2026-999" in result.output
    result = invoke_cli(["observations", BASE_ID, "absent.txt"])
    assert result.exit_code == 1
    assert result.output == "Erreur : absent.txt : lecture impossible (fichier absent)\n"


def test_a_synthese_that_is_a_link_is_never_followed(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs.md"
    outside.write_bytes(project.path("synthese.md").read_bytes())
    before = outside.read_bytes()
    project.delete("synthese.md")
    os.symlink(outside, project.path("synthese.md"))
    write_message(project, message())

    result = invoke_cli(["observations", BASE_ID, "observations.txt"])

    assert result.exit_code == 1
    assert result.output.startswith(f"{SYNTHESE}: erreur: lien symbolique : bilan-gen ne lit")
    assert result.output.rstrip().endswith("[lien-symbolique]")
    assert outside.read_bytes() == before
    assert project.path("synthese.md").is_symlink()


def test_a_missing_synthese_is_named(project: Project) -> None:
    project.delete("synthese.md")
    write_message(project, message())
    result = invoke_cli(["observations", BASE_ID, "observations.txt"])
    assert result.exit_code == 1
    assert result.output == (
        f"{SYNTHESE}: erreur: synthese.md absent du dossier [observation-synthese]\n"
    )


def test_help_is_french() -> None:
    result = invoke_cli(["observations", "--help"])
    assert result.output.startswith("Utilisation : bilan observations [OPTIONS] ID [FICHIER]\n")
    assert "Ajoute à la synthèse du dossier ID les observations chiffrées" in result.output
