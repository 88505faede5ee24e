"""Field tables of the compliance blocks: funding per mode, sharing, retention, satisfaction.

Conditional blocks: ``financement`` holds one optional block per funding mode (``cpf``,
``convention`` for ``plan_developpement`` and ``conge_reclassement``, ``contrat`` for
``personnel``). The table marks each block optional and the fields *inside* a block required
when the block needs them as soon as it is written; which block a mode needs, and the rules
across dates and amounts, live in :mod:`bilan_gen.validation.funding`, which knows the mode.
The same holds for ``diffusion`` (:mod:`bilan_gen.validation.sharing`) and ``conservation``
(:mod:`bilan_gen.validation.conservation`).
"""

from __future__ import annotations

from bilan_gen.schema.field import Field, Kind

EMARGEMENTS = (
    "feuille_signee",
    "signature_electronique",
    "attestation_beneficiaire",
    "releve_connexion",
)
TYPES_DESTINATAIRE = ("operateur_cep", "employeur", "financeur", "autre")
PERIMETRES = ("synthese", "complet")
MOTIFS_CONSERVATION = ("aucun", "synthese_cep", "accord_suivi")
MODES_CONVENTION = ("plan_developpement", "conge_reclassement")
"""Funding modes that need a written tripartite convention (R6313-8)."""

CONVENTION_FIELDS: tuple[Field, ...] = (
    Field(
        "siret_employeur",
        Kind.SIRET,
        "SIRET de l'employeur",
        required=True,
        help="Une autre entreprise que l'organisme : un employeur ne réalise pas le bilan de "
        "ses salariés (R6313-5).",
    ),
    Field(
        "transmise_le",
        Kind.DATE,
        "date de transmission de la convention au salarié",
        required=True,
        help="Le salarié a dix jours pour la signer ; son silence vaut refus (R6313-8).",
    ),
    Field(
        "signee_salarie_le",
        Kind.DATE,
        "date de signature du salarié",
        help="Dans les dix jours de la transmission, avant la première séance.",
    ),
    Field(
        "signee_employeur_le",
        Kind.DATE,
        "date de signature de l'employeur",
        help="Avant la première séance.",
    ),
    Field(
        "signee_organisme_le",
        Kind.DATE,
        "date de signature de l'organisme",
        help="Avant la première séance.",
    ),
)

CPF_FIELDS: tuple[Field, ...] = (
    Field("numero_edof", Kind.TEXT, "numéro du dossier EDOF", required=True),
    Field(
        "inscrit_le",
        Kind.DATE,
        "date d'inscription sur Mon Compte Formation",
        required=True,
    ),
    Field(
        "montant_eur",
        Kind.AMOUNT,
        "montant pris en charge par le CPF (euros)",
        required=True,
        help="1 600 € au plus pour une inscription à partir du 26 février 2026.",
    ),
    Field(
        "attestation_cinq_ans_le",
        Kind.DATE,
        "date de l'attestation : aucun bilan financé sur fonds publics ou mutualisés "
        "depuis cinq ans",
        required=True,
    ),
    Field(
        "participation_eur",
        Kind.AMOUNT,
        "participation forfaitaire du titulaire (euros)",
        help="103,20 € en 2026, sauf exonération.",
    ),
    Field(
        "participation_exoneree",
        Kind.BOOL,
        "exonération de la participation forfaitaire",
    ),
    Field("temps_de_travail", Kind.BOOL, "bilan réalisé sur le temps de travail"),
    Field(
        "demande_employeur_le",
        Kind.DATE,
        "date de la demande d'autorisation d'absence à l'employeur",
        help="Sur le temps de travail.",
    ),
    Field(
        "reponse_employeur_le",
        Kind.DATE,
        "date de la réponse de l'employeur",
        help="Sur le temps de travail.",
    ),
)

PAIEMENT_FIELDS: tuple[Field, ...] = (
    Field("date", Kind.DATE, "date du paiement", required=True),
    Field("montant_eur", Kind.AMOUNT, "montant du paiement (euros)", required=True),
)

CONTRAT_FIELDS: tuple[Field, ...] = (
    Field("signe_le", Kind.DATE, "date de signature du contrat", required=True),
    Field("prix_eur", Kind.AMOUNT, "prix total du bilan (euros)", required=True),
    Field(
        "paiements",
        Kind.MAPPING_LIST,
        "paiements du bénéficiaire",
        help="Aucun pendant les dix jours de rétractation ; 30 % au plus avant la première séance.",
        children=PAIEMENT_FIELDS,
    ),
)

DIFFUSION_FIELDS: tuple[Field, ...] = (
    Field(
        "destinataire",
        Kind.TEXT,
        "destinataire",
        required=True,
        identity=True,
        help="L'organisme ou le service qui reçoit le dossier ; jamais repris dans les messages.",
    ),
    Field(
        "type",
        Kind.CHOICE,
        "type de destinataire",
        required=True,
        choices=TYPES_DESTINATAIRE,
    ),
    Field(
        "accord_le",
        Kind.DATE,
        "date de l'accord du bénéficiaire",
        help="Obligatoire, sauf pour un opérateur CEP (L6313-4).",
    ),
    Field(
        "demande_le",
        Kind.DATE,
        "date de la demande du bénéficiaire",
        help="Obligatoire pour un opérateur CEP (L6313-4).",
    ),
    Field("perimetre", Kind.CHOICE, "périmètre transmis", required=True, choices=PERIMETRES),
    Field(
        "rotation",
        Kind.INT,
        "compteur de rotation du code du destinataire",
        help="Augmentez-le pour révoquer le code d'accès de ce destinataire.",
    ),
)

CONSERVATION_FIELDS: tuple[Field, ...] = (
    Field(
        "motif",
        Kind.CHOICE,
        "motif de conservation",
        required=True,
        choices=MOTIFS_CONSERVATION,
    ),
    Field(
        "accord_ecrit_le",
        Kind.DATE,
        "date de l'accord écrit du bénéficiaire",
        help="Obligatoire pour accord_suivi (R6313-7).",
    ),
    Field(
        "jusqu_au",
        Kind.DATE,
        "date de fin de conservation",
        help="Trois ans au plus après date_fin (R6313-7).",
    ),
)

SATISFACTION_FIELDS: tuple[Field, ...] = (
    Field("a_chaud_le", Kind.DATE, "date de l'enquête de satisfaction de fin de bilan"),
    Field(
        "a_froid_le",
        Kind.DATE,
        "date de l'enquête de satisfaction à six mois",
        help="Environ six mois après la fin, au plus tard à l'entretien de suivi.",
    ),
)
