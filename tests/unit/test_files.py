"""Rule 9: bytes on disk, missing dossier.yml and stray files; never a traceback."""

from __future__ import annotations

from pathlib import Path

from helpers import Project

from bilan_gen.loading import MAX_FILE_BYTES, decode_text, load_text


def test_base_dossier_is_clean(project: Project) -> None:
    assert project.diagnostics() == []
    assert not project.check().has_errors


def test_bom_and_crlf_accepted_with_file_line_numbers(project: Project) -> None:
    for name in ("dossier.yml", "01-preliminaire.md"):
        text = project.read(name)
        project.write_bytes(name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert project.diagnostics() == []
    # Line numbers still count the file's lines: break one field in each file.
    project.replace("01-preliminaire.md", "duree_h: 2\r\n", "duree_h: 0.3\r\n")
    project.replace("dossier.yml", "preuve: contrat", "preuve: oral")
    assert project.triples() == [
        ("duree-invalide", project.rel("01-preliminaire.md"), 8),
        ("valeur-invalide", project.rel("dossier.yml"), 9),
    ]


def test_lone_carriage_returns_are_line_ends(project: Project) -> None:
    text = project.read("synthese.md").replace("\n", "\r")
    project.write("synthese.md", text.replace("consultant: Claire", "consultant: Paul"))
    assert project.triples() == [("consultant-inconnu", project.rel("synthese.md"), 4)]


def test_invalid_utf8_gives_its_line(project: Project) -> None:
    raw = project.read("02-investigation.md").encode("utf-8")
    raw = raw.replace(b"Quinze ans", b"Quinze \xe9t\xe9 ans")  # Latin-1 bytes
    project.write_bytes("02-investigation.md", raw)
    assert project.lines() == [
        "dossiers/2026-001/02-investigation.md:28: erreur: encodage invalide : enregistrez le "
        "fichier en UTF-8 [encodage-invalide]",
        # The synthèse is finalised while a phase could not be read.
        "dossiers/2026-001/synthese.md:5: erreur: synthèse finalisée alors que la phase "
        "d'investigation est absente [synthese-prematuree]",
    ]


def test_latin1_dossier_yml(project: Project) -> None:
    project.write_bytes("dossier.yml", project.read("dossier.yml").encode("latin-1"))
    assert ("encodage-invalide", project.rel("dossier.yml"), 2) in project.triples()


def test_nul_byte_is_a_binary_file(project: Project) -> None:
    raw = project.read("01-preliminaire.md").encode("utf-8").replace(b"# Phase", b"\x00# Phase")
    project.write_bytes("01-preliminaire.md", raw)
    lines = project.lines()
    assert lines[0] == (
        "dossiers/2026-001/01-preliminaire.md:15: erreur: octet nul : ce fichier n'est pas du "
        "texte (fichier binaire ?) [fichier-binaire]"
    )


def test_file_size_limit_is_two_megabytes(project: Project) -> None:
    text = project.read("02-investigation.md")
    padding = MAX_FILE_BYTES - len(text.encode("utf-8")) - 1
    project.write("02-investigation.md", text + "\n" + "x" * padding)
    assert project.path("02-investigation.md").stat().st_size == MAX_FILE_BYTES
    assert "fichier-trop-gros" not in [code for code, _, _ in project.triples()]
    project.write("02-investigation.md", text + "\n" + "x" * (padding + 1))
    assert project.lines()[0] == (
        "dossiers/2026-001/02-investigation.md: erreur: fichier trop gros (2,0 Mo) : 2 Mo au "
        "plus ; placez les pièces dans annexes/ [fichier-trop-gros]"
    )


def test_decode_text_never_raises_on_odd_bytes() -> None:
    path = Path("x.md")
    assert decode_text(path, b"\xef\xbb\xbfa\r\nb\rc") == ("a\nb\nc", [])
    text, diags = decode_text(path, b"a\nb\n\xff")
    assert text is None
    assert [(d.code, d.line) for d in diags] == [("encodage-invalide", 3)]


def test_missing_dossier_yml(project: Project) -> None:
    project.delete("dossier.yml")
    assert project.lines() == [
        "dossiers/2026-001/dossier.yml: erreur: dossier.yml absent : chaque dossier commence "
        "par ce fichier (voir « bilan new ») [dossier-yml-absent]",
    ]


def test_empty_dossier_yml(project: Project) -> None:
    project.write("dossier.yml", "# rien encore\n")
    triples = project.triples()
    assert triples[0] == ("fichier-vide", project.rel("dossier.yml"), 1)


def test_stray_markdown_in_dossiers_dir(project: Project) -> None:
    (project.dossiers_dir / "notes-reunion.md").write_text("# Notes\n", encoding="utf-8")
    (project.dossiers_dir / "lisez-moi.txt").write_text("rien\n", encoding="utf-8")
    assert project.lines() == [
        "dossiers/notes-reunion.md: erreur: fichier hors de tout dossier : placez-le dans "
        "dossiers/<id>/ [fichier-inattendu]",
    ]


def test_stray_markdown_in_a_dossier(project: Project) -> None:
    project.write("synthèse.md", "# Brouillon\n")
    project.write("photo.jpg", "pas une image")
    project.write("brouillons/a.md", "# Brouillon\n")
    project.write("notes/entretien.md", "# Notes privées\n")
    project.write("annexes/grille.md", "# Grille\n")
    assert project.lines() == [
        "dossiers/2026-001/brouillons: avertissement: dossier « brouillons » inconnu : rangez "
        "les pièces dans annexes/ ou notes/ [fichier-inattendu]",
        "dossiers/2026-001/photo.jpg: avertissement: fichier « photo.jpg » inattendu : "
        "rangez-le dans annexes/ ou notes/ [fichier-inattendu]",
        "dossiers/2026-001/synthèse.md: erreur: fichier « synthèse.md » inattendu, il ne sera "
        "pas publié (vouliez-vous dire « synthese.md » ?) [fichier-inattendu]",
    ]


def test_dossier_folder_with_invalid_id(project: Project) -> None:
    project.copy_base("Bilan_1")
    assert ("id-invalide", "dossiers/Bilan_1", 0) in project.triples()


def test_missing_dossiers_dir(tmp_path: Path) -> None:
    project = Project(tmp_path)
    assert project.triples() == [("dossiers-introuvable", "dossiers", 0)]


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    text, diags = load_text(tmp_path)  # a folder cannot be read as a file
    assert text is None
    assert [(d.code, d.line) for d in diags] == [("fichier-illisible", 0)]
    assert diags[0].message.startswith("lecture impossible (")
