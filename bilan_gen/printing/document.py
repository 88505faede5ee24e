"""The printable document de synthèse: prepared values, then HTML through one template.

The same fragment (``templates/print/document.html``) is the print view of the site, inside
the encrypted payload, and the body of the page WeasyPrint turns into a PDF
(``templates/print/page.html``); ``assets/bilan-print.css`` styles both.

The synthèse's ``##`` sections come in their canonical order (former R6322-38), whatever order
the consultant wrote them in; text before the first section is left out, since the document
brings its own title, identification block and confidentiality notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bilan_gen.config import Options
from bilan_gen.model import MAIN_PHASES, Document, Dossier, Phase
from bilan_gen.printing import formats
from bilan_gen.templating import TEMPLATES
from bilan_gen.validation.markdown import parse_sections
from bilan_gen.validation.sections import canonical_order

RenderMarkdown = Callable[[str], tuple[str, set[str]]]
"""Markdown to (HTML, ``annexes/`` files referred to): ``Renderer.render_markdown``."""

PRINT_TITLE = "Document de synthèse — Bilan de compétences"
NOTICE = (
    "Ce document est destiné au seul bénéficiaire du bilan de compétences. Il ne peut être "
    "communiqué à un tiers qu’avec son accord (article L6313-4 du Code du travail)."
)
ANNEX_PHASES = (*MAIN_PHASES, Phase.SUIVI)


@dataclass(frozen=True)
class Fact:
    """One line of the identification block."""

    label: str
    value: str


@dataclass(frozen=True)
class PrintSection:
    """A section of a printed document: its title (may be empty) and rendered content."""

    title: str
    html: str


@dataclass(frozen=True)
class PrintAnnexe:
    """A finalised phase printed after the synthèse (``bilan pdf --complet``)."""

    title: str
    sections: tuple[PrintSection, ...]


@dataclass(frozen=True)
class PrintDocument:
    """Everything the print template shows, as ready-made French text and HTML."""

    dossier_id: str
    provider: tuple[Fact, ...]
    """Raison sociale, SIRET, NDA: what the plugin options give."""
    provider_name: str
    facts: tuple[Fact, ...]
    sections: tuple[PrintSection, ...]
    suivi: str
    remise: str
    consultant: str
    beneficiaire: str
    notice: str
    footer: str
    """The running footer of every PDF page."""
    created: str | None
    """ISO date (``remise_le``) for the PDF's fixed metadata dates: same dossier, same bytes."""
    annexes: tuple[PrintAnnexe, ...] = ()
    assets: frozenset[str] = frozenset()
    """The ``annexes/`` files the document shows."""
    title: str = PRINT_TITLE


def synthese_of(dossier: Dossier) -> Document | None:
    """The finalised synthèse of ``dossier``, if any."""
    synthese = dossier.documents.get(Phase.SYNTHESE)
    return synthese if synthese is not None and synthese.finalised else None


def _sections(
    doc: Document,
    options: Options,
    render: RenderMarkdown,
    assets: set[str],
    prerendered: Mapping[int, str] | None = None,
) -> tuple[PrintSection, ...]:
    """The ``##`` sections of ``doc`` in canonical order; the whole body if it has none.

    ``prerendered`` maps a section's heading line to its HTML, when the caller already
    rendered the document (the site renders the synthèse page anyway): no second pass then.
    """
    ordered = canonical_order(
        parse_sections(doc.body, doc.body_line), options.sections.get(doc.phase, ())
    )
    if ordered and prerendered is not None and all(s.line in prerendered for _, s in ordered):
        return tuple(PrintSection(s.title, prerendered[s.line]) for _, s in ordered)
    if not ordered:
        lines = doc.body.lstrip("\n").split("\n")
        body = "\n".join(lines[1:] if lines[0].startswith("# ") else lines)
        html, used = render(body)
        assets |= used
        return (PrintSection("", html),)
    htmls = _render_all([section.markdown for _, section in ordered], render, assets)
    return tuple(
        PrintSection(section.title, html) for (_, section), html in zip(ordered, htmls, strict=True)
    )


_SPLIT = "<!--bilan-section-split-->"


def _render_all(texts: list[str], render: RenderMarkdown, assets: set[str]) -> list[str]:
    """Render several Markdown texts in one pass (a pass costs more than its text), split back.

    Falls back to one pass per text when a text swallows the separator (an unclosed fence).
    """
    html, used = render(f"\n\n{_SPLIT}\n\n".join(texts))
    parts = html.split(_SPLIT)
    if len(parts) == len(texts):
        assets |= used
        return [part.strip() for part in parts]
    out = []
    for text in texts:
        part, used = render(text)
        assets |= used
        out.append(part)
    return out


def provider_facts(options: Options) -> tuple[Fact, ...]:
    """The provider's header: raison sociale, SIRET and NDA, those that are set."""
    org = options.organisme
    rows = (
        ("Organisme", org.raison_sociale),
        ("SIRET", formats.format_siret(org.siret)),
        ("Déclaration d’activité (NDA)", org.nda),
    )
    return tuple(Fact(label, value) for label, value in rows if value)


def _facts(dossier: Dossier, beneficiaire: str, consultant: str) -> tuple[Fact, ...]:
    hours = sum(s.duree_h or 0.0 for phase, s in dossier.seances if phase in MAIN_PHASES)
    fin = dossier.get("date_fin")
    return (
        Fact("Bénéficiaire", beneficiaire),
        Fact("Consultant", consultant),
        Fact("Période du bilan", formats.format_period(dossier.get("date_debut"), fin)),
        Fact("Mode de financement", formats.format_financement(dossier.get("financement.mode"))),
        Fact("Durée de l’accompagnement", formats.format_hours(hours)),
        Fact("Référence du dossier", dossier.id),
    )


def _annexes(
    dossier: Dossier, options: Options, render: RenderMarkdown, assets: set[str]
) -> tuple[PrintAnnexe, ...]:
    docs = [dossier.documents.get(p) for p in ANNEX_PHASES]
    finalised = [d for d in docs if d is not None and d.finalised]
    return tuple(
        PrintAnnexe(f"Annexe {n} — {doc.phase.label}", _sections(doc, options, render, assets))
        for n, doc in enumerate(finalised, start=1)
    )


def build_print_document(
    dossier: Dossier,
    options: Options,
    render: RenderMarkdown,
    complet: bool = False,
    prerendered: Mapping[int, str] | None = None,
) -> PrintDocument | None:
    """The printable synthèse of ``dossier``; None while the synthèse is not finalised.

    Args:
        dossier: A checked dossier (printing one with errors is the caller's mistake).
        options: The project options (provider identity, section titles).
        render: Markdown renderer, e.g. ``Renderer().render_markdown``.
        complet: Add the finalised phases after the synthèse, as annexes.
        prerendered: The synthèse's ``##`` sections already rendered, by heading line.
    """
    synthese = synthese_of(dossier)
    if synthese is None:
        return None
    ident = dossier.beneficiaire
    beneficiaire = " ".join(v for v in (ident.prenom, ident.nom) if v) or formats.MISSING
    consultant = synthese.consultant or ", ".join(dossier.consultants) or formats.MISSING
    assets: set[str] = set()
    sections = _sections(synthese, options, render, assets, prerendered)
    annexes = _annexes(dossier, options, render, assets) if complet else ()
    remise_le: dt.date | None = synthese.meta.get("remise_le")
    org = options.organisme.raison_sociale
    footer = f"Document de synthèse — {beneficiaire} — confidentiel"
    return PrintDocument(
        dossier_id=dossier.id,
        provider=provider_facts(options),
        provider_name=org,
        facts=_facts(dossier, beneficiaire, consultant),
        sections=sections,
        suivi=formats.format_suivi(dossier.get("suivi.propose"), dossier.get("suivi.date_prevue")),
        remise=formats.format_remise(remise_le, synthese.meta.get("mode_remise")),
        consultant=consultant,
        beneficiaire=beneficiaire,
        notice=NOTICE,
        footer=f"{org} — {footer}" if org else footer,
        created=remise_le.isoformat() if remise_le else None,
        annexes=annexes,
        assets=frozenset(assets),
    )


def render_print_html(document: PrintDocument) -> str:
    """The document as an HTML fragment (the site's print view, the PDF's body)."""
    return TEMPLATES.get_template("print/document.html").render(doc=document)


def render_print_page(document: PrintDocument, body_html: str | None = None) -> str:
    """A standalone HTML page for WeasyPrint: metadata (fixed dates) and the fragment.

    Args:
        document: The prepared document.
        body_html: The fragment to use (annex images inlined, say); rendered if None.
    """
    body = render_print_html(document) if body_html is None else body_html
    return TEMPLATES.get_template("print/page.html").render(doc=document, body=body)


def render_print_view(
    dossier: Dossier,
    options: Options,
    render: RenderMarkdown,
    prerendered: Mapping[int, str] | None = None,
) -> tuple[str, set[str]] | None:
    """The site's print view (HTML and the annexes it shows), once the synthèse is final.

    With ``prerendered`` sections, the annexes they show are the caller's to count.
    """
    document = build_print_document(dossier, options, render, prerendered=prerendered)
    if document is None:
        return None
    return render_print_html(document), set(document.assets)
