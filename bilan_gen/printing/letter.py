"""The access letter: one printed page per recipient, to hand over with the code.

``bilan access --lettre`` prints one letter for the beneficiary and one for each third party
of ``diffusion`` whose page is published (:mod:`bilan_gen.access.publication`). A letter holds the
provider's header, what the site is and how to open the dossier, the site's address, the
code in large unambiguous characters, a QR code of the direct link, until when the dossier
stays online, and what to do if the code is lost or seen. A third party's letter says what
they may read, and holds nothing of the beneficiary's own access.

Letters hold names and codes: they are written next to the PDFs (``impressions/``, out of
Git and of the site), and their names start with ``<id>.``, which ``bilan purge`` removes
with the dossier (ids have no dot, so the name belongs to one dossier only).

Same inputs, same bytes: the page has no date of printing, its PDF identifier derives from
the file name, and the QR code is a pure function of the link (segno, as SVG).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bilan_gen.access.publication import Publication, Withheld
from bilan_gen.config import Options
from bilan_gen.model import Diffusion, Dossier
from bilan_gen.printing import formats
from bilan_gen.printing.document import Fact, provider_facts
from bilan_gen.printing.pdf import PdfEngine, write_atomic
from bilan_gen.publishing import RECIPIENT_TYPES
from bilan_gen.rendering import online_until
from bilan_gen.templating import TEMPLATES

STYLESHEET = "bilan-letter.css"
LETTER_MARK = ".lettre-"
"""What every letter's file name has after the dossier id."""
_LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


@dataclass(frozen=True)
class Letter:
    """Everything the letter template shows, as ready-made French text."""

    dossier_id: str
    file_name: str
    provider: tuple[Fact, ...]
    provider_name: str
    title: str
    addressee: str
    """« Prénom Nom » for the beneficiary; the third party's name and kind otherwise."""
    intro: tuple[str, ...]
    readable: str
    """What this recipient may read (a third party); empty for the beneficiary."""
    site_url: str
    code: str
    """The code as shown everywhere: groups of four joined by dashes."""
    link: str
    qr: str
    """The QR code of :attr:`link`, an SVG ``data:`` URI."""
    online_until: str
    lost: str
    keep: str
    footer: str

    @property
    def code_groups(self) -> tuple[str, ...]:
        """The code's groups of four characters."""
        return tuple(self.code.split("-"))

    @property
    def identifier(self) -> bytes:
        """The PDF's permanent identifier: the same for every print of this letter."""
        name = f"bilan-gen:{self.file_name}".encode()
        return hashlib.sha256(name).hexdigest()[:32].encode("ascii")


def letter_name(dossier_id: str, position: int, recipient: Diffusion | None) -> str:
    """``<id>.lettre-beneficiaire.pdf``, ``<id>.lettre-tiers-<n>-<type>.pdf`` for the n-th
    entry of ``diffusion`` (no name of a person in a file name)."""
    if recipient is None:
        return f"{dossier_id}{LETTER_MARK}beneficiaire.pdf"
    return f"{dossier_id}{LETTER_MARK}tiers-{position}-{recipient.type or 'autre'}.pdf"


def site_url_problem(site_url: str) -> str | None:
    """Why ``site_url`` cannot go on a letter (in French), or None when it can.

    A beneficiary's browser decrypts the dossier with WebCrypto, which only runs on
    ``https://`` pages (or on the machine itself): any other address is a broken letter.
    """
    if not site_url:
        return (
            "site_url absent de mkdocs.yml : une lettre doit donner l'adresse du site publié ; "
            "ajoutez « site_url: https://… » (l'adresse où les bénéficiaires ouvrent le site)"
        )
    parts = urlsplit(site_url)
    if parts.hostname in _LOOPBACK:
        return (
            f"site_url de mkdocs.yml ({site_url}) désigne ce poste : l'adresse ne marcherait "
            "que sur votre ordinateur ; indiquez celle du site publié (https://…)"
        )
    if parts.scheme != "https" or not parts.hostname:
        return (
            f"site_url de mkdocs.yml ({site_url}) n'est pas une adresse https:// : les "
            "navigateurs ne déchiffrent un dossier que sur une page https ; indiquez l'adresse "
            "https du site publié"
        )
    return None


def qr_data_uri(link: str) -> str:
    """The QR code of ``link`` as an SVG ``data:`` URI (error correction M: a creased or
    smudged letter still scans; four modules of quiet zone, as the standard asks)."""
    import segno  # here, not at import time: every bilan command loads this module

    code = segno.make_qr(link, error="m")
    uri: str = code.svg_data_uri(border=4, dark="#000", light="#fff")
    return uri


def _name(dossier: Dossier) -> str:
    ident = dossier.beneficiaire
    return " ".join(v for v in (ident.prenom, ident.nom) if v) or "le bénéficiaire"


def _contact(dossier: Dossier, options: Options) -> str:
    """« votre consultant, Claire Mercier (Cap Parcours Conseil) »."""
    people = ", ".join(dossier.consultants)
    org = options.organisme.raison_sociale
    who = f"votre consultant, {people}" if people else "votre consultant"
    return f"{who} ({org})" if org else who


def _beneficiary_texts(dossier: Dossier, options: Options) -> tuple[str, tuple[str, ...], str]:
    org = options.organisme.raison_sociale or "L'organisme qui conduit votre bilan"
    intro = (
        f"{org} met à votre disposition les documents de votre bilan de compétences sur un "
        "site internet privé : les dates de vos séances, puis chaque document une fois "
        "finalisé, dont le document de synthèse.",
        "Ces documents y sont chiffrés : personne ne peut les lire sans votre code d'accès, "
        "pas même l'hébergeur du site. Ils sont destinés à vous seul (article L6313-4 du Code "
        "du travail) : ne communiquez ce code à personne. Si vous souhaitez qu'un tiers en "
        "reçoive une partie, demandez-le à votre consultant : ce tiers recevra son propre code.",
    )
    lost = (
        f"Prévenez sans attendre {_contact(dossier, options)}. Il remplacera votre code par "
        "un nouveau et vous remettra une nouvelle lettre : l'ancien code n'ouvrira plus rien."
    )
    return "Votre dossier de bilan de compétences en ligne", intro, lost


def _recipient_texts(
    dossier: Dossier, entry: Diffusion, options: Options
) -> tuple[str, tuple[str, ...], str, str]:
    name = _name(dossier)
    org = options.organisme.raison_sociale or "L'organisme qui a conduit ce bilan"
    complet = entry.perimetre == "complet"
    what = "le dossier de son bilan de compétences" if complet else "son document de synthèse"
    if entry.type == "operateur_cep":
        why = f"À la demande de {name}, {org} vous transmet {what}"
    else:
        why = f"Avec l'accord de {name}, {org} vous donne accès à {what}"
    intro = (
        f"{why} (article L6313-4 du Code du travail), sur un site internet privé où il est "
        "chiffré : personne ne peut le lire sans le code d'accès ci-dessous, qui est le vôtre.",
        "Ces informations vous sont confiées pour vous seul : ne les communiquez à personne "
        f"d'autre sans l'accord de {name}, qui peut aussi retirer le sien : votre code "
        "n'ouvre alors plus rien.",
    )
    lost = (
        f"Prévenez sans attendre {org if options.organisme.raison_sociale else 'l’organisme'}"
        f" ({', '.join(dossier.consultants) or 'le consultant'}). Votre code sera remplacé "
        "par un nouveau, avec une nouvelle lettre : l'ancien n'ouvrira plus rien."
    )
    title = "Accès à un " + ("dossier" if complet else "document de synthèse")
    return f"{title} de bilan de compétences", intro, _readable(complet, name), lost


def _readable(complet: bool, name: str) -> str:
    """What a third party may read (L6313-4): what the beneficiary agreed to share."""
    if complet:
        return (
            "Vous pouvez lire les documents finalisés de ce bilan (phases préliminaire, "
            "d'investigation et de conclusions, document de synthèse, suivi), tels que "
            f"{name} les consulte, et les dates des séances."
        )
    return (
        "Vous pouvez lire le document de synthèse de ce bilan, et lui seul : les autres "
        f"documents du bilan restent réservés à {name}."
    )


def _addressee(dossier: Dossier, entry: Diffusion | None) -> str:
    if entry is None:
        return _name(dossier)
    return entry.destinataire or RECIPIENT_TYPES.get(entry.type or "", "destinataire")


def build_letter(
    dossier: Dossier, publication: Publication, options: Options, today: dt.date
) -> Letter:
    """The letter of one audience of a published dossier.

    Args:
        dossier: The dossier (checked, published: the caller made sure).
        publication: Who it is for, with their access.
        options: Provider, site address (checked with :func:`site_url_problem`), grace period.
        today: The day (the online-until sentence does not depend on it, only the state).
    """
    entry = publication.audience.recipient
    if entry is None:
        title, intro, lost = _beneficiary_texts(dossier, options)
        readable = ""
    else:
        title, intro, readable, lost = _recipient_texts(dossier, entry, options)
    access = publication.audience.access
    link = access.link(options.site_url)
    org = options.organisme.raison_sociale
    footer = "Lettre d’accès personnelle — confidentielle"
    fr = formats.french_typography
    return Letter(
        dossier_id=dossier.id,
        file_name=letter_name(dossier.id, publication.position, entry),
        provider=tuple(f for f in provider_facts(options) if f.value != org),
        provider_name=org,
        title=title,
        addressee=_addressee(dossier, entry),
        intro=tuple(fr(paragraph) for paragraph in intro),
        readable=fr(readable),
        site_url=options.site_url,
        code=access.formatted_code,
        link=link,
        qr=qr_data_uri(link),
        online_until=fr(online_until(dossier, options, today)),
        lost=fr(lost),
        keep=fr("Gardez cette lettre en lieu sûr, à l'abri des regards : elle ouvre le dossier."),
        footer=f"{org} — {footer}" if org else footer,
    )


@dataclass(frozen=True)
class Refusal:
    """Letters not printed, and why (no name of a person: the output may be pasted)."""

    dossier_id: str
    who: str
    """Whose letter (« tiers 1 (employeur) »); empty when no letter of the dossier is printed."""
    reason: str

    def format(self) -> str:
        """« 2026-014, tiers 1 (employeur) : pas de lettre : … »."""
        if self.who:
            return f"{self.dossier_id}, {self.who} : pas de lettre : {self.reason}"
        return f"{self.dossier_id} : aucune lettre : {self.reason}"


def recipient_word(publication: Publication) -> str:
    """« bénéficiaire », « tiers 2 (employeur) »: a recipient without their name."""
    entry = publication.audience.recipient
    if entry is None:
        return "bénéficiaire"
    kind = RECIPIENT_TYPES.get(entry.type or "", entry.type or "?")
    return f"tiers {publication.position} ({kind})"


def plan_letters(
    dossiers: Sequence[Dossier], rows: Sequence[Publication], options: Options, today: dt.date
) -> tuple[list[Letter], list[Refusal]]:
    """The letters of every published page of ``rows``, and a refusal for each dossier that
    is not published (one for all its letters) and each third party with nothing to read.

    Args:
        dossiers: The checked dossiers that ``rows`` come from.
        rows: Their publications (:func:`~bilan_gen.access.publication.project_publications`).
        options: Provider, site address (valid: see :func:`site_url_problem`).
        today: The day of printing.
    """
    by_id = {dossier.id: dossier for dossier in dossiers}
    letters: list[Letter] = []
    refusals: dict[tuple[str, str], Refusal] = {}
    for row in rows:
        ident = row.audience.access.dossier_id
        if row.withheld is None:
            letters.append(build_letter(by_id[ident], row, options, today))
            continue
        who = recipient_word(row) if row.withheld is Withheld.BROUILLON else ""
        refusals.setdefault((ident, who), Refusal(ident, who, row.detail))
    return letters, list(refusals.values())


def render_letter_page(letter: Letter) -> str:
    """The letter as a standalone HTML page for WeasyPrint."""
    return TEMPLATES.get_template("print/letter.html").render(letter=letter, nbsp=formats.NBSP)


class LetterPrinter:
    """WeasyPrint, warmed up once, with the letter's stylesheet."""

    def __init__(self) -> None:
        """Start WeasyPrint (0.7 s).

        Raises:
            PrintError: WeasyPrint or the system libraries it needs are missing.
        """
        self._engine = PdfEngine(stylesheet=STYLESHEET)

    def render(self, letter: Letter) -> bytes:
        """The letter's PDF bytes."""
        return self._engine.render_page(render_letter_page(letter), letter.identifier)

    def write(self, letter: Letter, output_dir: Path) -> Path:
        """Write the letter into ``output_dir`` (atomically: never half a file)."""
        target = output_dir / letter.file_name
        write_atomic(target, self.render(letter))
        return target
