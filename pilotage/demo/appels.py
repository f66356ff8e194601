"""Les appels à projets de la démonstration, sans accès à la base : les trois appels 2016 du rapport d'activité
(« Appels à projets 2016 »), deux appels 2017 tirés de ses perspectives, les membres et les séances des comités,
ce que l'équipe d'animation vérifie, demande et note, et les pièces (de petits PDF) que les porteurs déposent.

Quelle opération répond à quel appel se lit dans `donnees` (champ `appel` de chaque opération) ; ici, les
appels eux-mêmes et ce qui se passe autour des réponses. Tout est déterministe, comme `donnees`.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from appels_projets.options import Avis, EtatAppel, EtatComite, TypeComite

PARIS = ZoneInfo("Europe/Paris")

PORTAGE_2016 = "portage-2016"
REMOBILISATION_2016 = "remobilisation-2016"
CLAUSES_2016 = "clauses-2016"
ACTIONS_2017 = "actions-2017"
REMOBILISATION_2017 = "remobilisation-2017"


def _a(annee, mois, jour, heure=12, minute=0) -> datetime:
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


# --- Ce que chaque réponse doit porter, et la grille sur laquelle elle est notée ---

PIECES_REQUISES = [
    "Budget prévisionnel signé",
    "Statuts de la structure (délibération pour une collectivité)",
    "Attestation de régularité fiscale et sociale",
    "Relevé d'identité bancaire (RIB)",
]
GRILLE_2016 = [
    ("Réponse au cahier des charges et aux besoins du territoire", 30),
    ("Qualité de l'accompagnement et des outils proposés", 25),
    ("Objectifs quantitatifs et résultats attendus", 20),
    ("Partenariats et ancrage territorial", 10),
    ("Capacité administrative et financière à porter du FSE", 15),
]
# 2017 : les perspectives du rapport mettent l'accent sur les quartiers prioritaires et les bénéficiaires du RSA.
GRILLE_2017 = [
    ("Réponse aux orientations 2017 du PLIE et au cahier des charges", 30),
    ("Qualité et réalisme de l'action proposée", 25),
    ("Résultats attendus : entrées, sorties positives", 20),
    ("Publics des quartiers prioritaires et bénéficiaires du RSA", 10),
    ("Capacité administrative et financière à porter du FSE", 15),
]


@dataclass
class AppelDemo:
    cle: str
    titre: str
    annee: int
    types: tuple[str, ...]
    cahier_des_charges: str
    enveloppe_fse: Decimal
    cofinancement_attendu: Decimal
    ouverture: date
    limite: datetime | None  # None : l'appel reste ouvert, sa date limite suit l'horloge réelle (voir chargement)
    periode: tuple[date, date]
    grille: list
    etat: str  # l'état où la démonstration le laisse
    cloture_le: datetime | None = None
    taux_fse_max: Decimal = Decimal("50.00")


APPELS = [
    AppelDemo(
        PORTAGE_2016, "Portage de référents de parcours 2016", 2016, ("PORTAGE_REFERENTS",),
        "Objet. Le PLIE de l'agglomération dijonnaise confie l'accompagnement de ses participants à des référents "
        "de parcours portés par les structures du territoire. Cet appel retient les structures qui porteront ces "
        "référents en 2016.\n\n"
        "Objectif. Accueil et accompagnement des participants habitant sur les 24 communes du Grand Dijon et suivi "
        "des contrats RSA des participants du PLIE sur le territoire dédié.\n\n"
        "Moyens humains. 14 référents pour l'ensemble du territoire ; chaque réponse précise le nombre d'équivalents "
        "temps plein et le territoire couvert.\n\n"
        "Objectifs 2016 de l'ensemble des référents. File active : 889 ; entrées : 700 ; sorties positives : 350. "
        "Chaque réponse prend sa part de ces objectifs, au prorata de ses référents.\n\n"
        "Recrutement. Prescripteurs divers (Pôle emploi, Mission locale, Conseil départemental, opérateurs...) ; "
        "rendez-vous PLIE à Pôle emploi.\n\n"
        "Déroulement attendu. Accueil et accompagnement par entretiens individuels, montage de parcours vers "
        "l'emploi, contacts et rencontres avec les partenaires (organismes de formation, travailleurs sociaux, "
        "éducateurs...), participation aux bilans des actions, aux ETT et aux GTT, suivi des parcours avec saisie "
        "dans ABC Viesion et saisie de l'activité dans Tesuji.\n\n"
        "Outils. Fiche de prescription, fiche diagnostic, logiciel ABC Viesion, bilans, feuilles d'émargement, Tesuji.\n\n"
        "Durée. Annuelle, du 1er janvier au 31 décembre 2016.",
        Decimal("400000.00"), Decimal("330000.00"), date(2015, 9, 21), _a(2015, 11, 6),
        (date(2016, 1, 1), date(2016, 12, 31)), GRILLE_2016, EtatAppel.CLOTURE, cloture_le=_a(2016, 4, 5, 10, 30),
    ),
    AppelDemo(
        REMOBILISATION_2016, "Remobilisation autour des compétences 2016", 2016, ("REMOBILISATION",),
        "Objectifs. Favoriser l'insertion professionnelle des participants en développant des compétences "
        "transverses ; leur permettre d'acquérir des outils et des méthodes pour réussir leur insertion "
        "professionnelle ; optimiser leurs chances de retour à l'emploi en définissant un plan d'action "
        "individualisé.\n\n"
        "Volume. 150 entrées de participants du PLIE sur l'année.\n\n"
        "Recrutement. Prescription des référents PLIE.\n\n"
        "Déroulement attendu. Une phase d'accueil et de diagnostic ; une phase de remédiation et de travail sur le "
        "projet ; une phase de recherche d'emploi.\n\n"
        "Outils attendus. Immersions en entreprise, rencontres avec des entreprises, participation à un forum de "
        "l'emploi, prospection d'entreprises, travail sur le projet, le CV et la lettre de motivation, simulations "
        "d'entretien.\n\n"
        "Durée. Annuelle, du 1er janvier au 31 décembre 2016.",
        Decimal("50000.00"), Decimal("33000.00"), date(2015, 9, 21), _a(2015, 11, 6),
        (date(2016, 1, 1), date(2016, 12, 31)), GRILLE_2016, EtatAppel.CLOTURE, cloture_le=_a(2016, 4, 5, 10, 35),
    ),
    AppelDemo(
        CLAUSES_2016, "Accompagnement des clauses d'insertion 2016", 2016, ("CLAUSES_INSERTION",),
        "Objectifs. Accueillir et positionner des candidats sélectionnés ; développer une collaboration avec les "
        "chantiers d'insertion et les organismes de formation (métiers en rapport avec les clauses) ; mettre en "
        "relation les candidats et les entreprises, suivre les bénéficiaires sur les missions proposées, produire "
        "régulièrement des bilans, améliorer la construction des parcours des participants.\n\n"
        "Recrutement. Prescription des référents PLIE.\n\n"
        "Déroulement attendu. Relation avec les entreprises : définition des besoins des entreprises du BTP, mise "
        "en relation des candidats validés. Relation avec les participants : accueil, définition du profil, "
        "évaluation technique et professionnelle, proposition d'un parcours d'insertion professionnelle, "
        "accompagnement personnalisé technique, social et personnel, évaluation régulière des acquis "
        "professionnels par rapport au référentiel du poste. Relation avec les partenaires, notamment ceux de "
        "l'IAE et plus particulièrement les ETTI ; participation aux réunions techniques, aux comités "
        "opérationnels, à la cellule insertion et aux GTS.\n\n"
        "Outils attendus. Mise en relation entreprise / candidat avec mesure d'écart, livret de suivi du "
        "participant, suivi des missions, tutorat dans l'entreprise d'accueil, fiches d'évaluation mensuelle, "
        "questionnaires de satisfaction des entreprises, feuilles d'émargement.\n\n"
        "Durée. Pluriannuelle : 2016 et 2017.",
        Decimal("65000.00"), Decimal("63000.00"), date(2015, 9, 21), _a(2015, 11, 6),
        (date(2016, 1, 1), date(2017, 12, 31)), GRILLE_2016, EtatAppel.CLOTURE, cloture_le=_a(2016, 4, 5, 10, 40),
    ),
    AppelDemo(
        ACTIONS_2017, "Appel à projets 2017 — actions collectives d'accès à l'emploi", 2017, ("PRESTATION",),
        "Objet. En 2017, le PLIE ouvre par appel à projets les actions collectives qu'il achetait jusqu'ici : "
        "préparations opérationnelles à l'emploi montées avec les branches, ateliers pour les participants de plus "
        "de 50 ans, découverte des métiers qui recrutent, rencontres avec des employeurs.\n\n"
        "Public. Participants du PLIE en parcours, sur prescription de leur référent ; une attention particulière "
        "aux habitants des quartiers prioritaires (Contrat de ville signé en juillet 2016) et aux bénéficiaires du "
        "RSA (Pacte territorial d'insertion).\n\n"
        "Attendus. Un nombre d'entrées et de sorties positives réaliste, les engagements des entreprises ou des "
        "branches associées, un bilan de chaque session transmis au PLIE.\n\n"
        "Période. Actions réalisées entre le 1er janvier 2017 et le 30 juin 2018.",
        Decimal("45000.00"), Decimal("30000.00"), date(2016, 12, 5), _a(2017, 4, 14),
        (date(2017, 1, 1), date(2018, 6, 30)), GRILLE_2017, EtatAppel.CLOS,
    ),
    AppelDemo(
        REMOBILISATION_2017, "Appel à projets 2017 — actions de remobilisation et relation entreprises", 2017,
        ("REMOBILISATION", "PRESTATION"),
        "Objet. Les perspectives 2017 du PLIE : développer la relation avec les entreprises, améliorer les "
        "prescriptions, observer les publics et analyser les parcours, et poursuivre la professionnalisation des "
        "référents. L'appel retient, pour le second semestre 2017 et le premier semestre 2018 :\n"
        "- des actions de remobilisation (diagnostic, remédiation, découverte des métiers, recherche d'emploi) ;\n"
        "- des actions de relation entreprises au service des parcours (prospection, offres ciblées, immersions) ;\n"
        "- des permanences de proximité dans les quartiers prioritaires pour relancer les prescriptions ;\n"
        "- l'observation des publics et l'analyse des parcours, et l'analyse des pratiques des référents.\n\n"
        "Recrutement. Prescription des référents PLIE.\n\n"
        "Période. Actions réalisées entre le 1er juillet 2017 et le 30 juin 2018.",
        Decimal("90000.00"), Decimal("60000.00"), date(2017, 5, 2), None,
        (date(2017, 7, 1), date(2018, 6, 30)), GRILLE_2017, EtatAppel.PUBLIE,
    ),
]


# --- Recevabilité : ce que l'équipe vérifie à la main, les pièces qui manquaient, les compléments ---

VERIFICATIONS = [
    "Attestation sur l'honneur du représentant légal signée",
    "Public visé : participants du PLIE habitant le Grand Dijon",
    "Obligations de publicité du FSE prévues (affichage, mention sur les supports)",
]
# Les vérifications manuelles qui ne sont pas conformes : {intitulé de l'opération: {vérification: commentaire}}.
ECARTS = {
    "Sensibilisation aux métiers de la relation client à distance": {
        "Public visé : participants du PLIE habitant le Grand Dijon":
            "L'action s'adresse à des salariés en poste des centres d'appels, pas à des participants du PLIE.",
    },
}
# La pièce obligatoire non conforme au dépôt, retirée à la demande de compléments : fournie avec les compléments
# (CESAM), attendue (Solid'ère) ; absente d'un brouillon, elle en bloque le dépôt (IRFA).
PIECES_MANQUANTES = {
    "Portage de référents de parcours PLIE 2016 – CESAM": "Attestation de régularité fiscale et sociale",
    "Relation entreprises 2017": "Budget prévisionnel signé",
    "Remobilisation autour des compétences – session d'automne 2017": "Relevé d'identité bancaire (RIB)",
}
DELAI_COMPLEMENTS = timedelta(days=15)
# Ce que le porteur répond ; une demande sans réponse ici attend encore (Solid'ère, juin 2017).
REPONSES_AUX_COMPLEMENTS = {
    "Portage de référents de parcours PLIE 2016 – CESAM":
        "Attestations de régularité URSSAF et DGFiP du 12 novembre 2015 jointes au dossier.",
}


# --- Analyse : une par réponse instruite, par la coordinatrice ---

@dataclass
class AnalyseDemo:
    notes: tuple[int, ...]  # une note sur 5 par critère, dans l'ordre de la grille
    avis: str
    synthese: str
    remarques: tuple[str, ...] = ()  # un commentaire par critère (vides s'il en manque)
    propose: Decimal | None = None  # montant FSE proposé ; None : le montant demandé


ANALYSES = {
    "Remobilisation autour des compétences 2016": AnalyseDemo(
        (5, 4, 4, 4, 4), Avis.FAVORABLE,
        "Action construite en trois phases conformes au cahier des charges (diagnostic, remédiation, recherche "
        "d'emploi) ; 150 entrées sur l'année. L'IRFA connaît le public du PLIE, dont il porte déjà deux référents. "
        "Avis favorable, à 37 000 € de FSE au lieu des 41 580 € demandés : les supports pédagogiques et les "
        "immersions relèvent en partie de l'offre de formation déjà financée par la Région ; l'écart restera à la "
        "charge de l'IRFA.",
        ("Les trois phases attendues sont décrites.", "Immersions et simulations d'entretien prévues.",
         "150 entrées : l'objectif de l'appel.", "Réseau d'entreprises de l'IRFA mobilisé.",
         "Structure habituée au FSE."),
        propose=Decimal("37000.00"),  # le comité vote le montant proposé : moins que demandé (issue 15)
    ),
    "Accompagnement des clauses d'insertion ARIQ BTP 2016-2017": AnalyseDemo(
        (5, 5, 4, 4, 3), Avis.FAVORABLE,
        "Projet pluriannuel cohérent avec les heures d'insertion attendues sur les marchés publics du Grand Dijon "
        "(72 333 heures) ; 126 personnes en parcours et 39 sorties positives visées. Suivi en mission et tutorat "
        "bien décrits. Point d'attention : le temps du chargé d'accompagnement sur deux ans devra être tracé "
        "par des fiches de temps mensuelles. Avis favorable au montant demandé.",
        ("Répond aux besoins des entreprises du BTP.", "Livret de suivi et évaluations mensuelles.",
         "Objectifs ambitieux mais étayés.", "Lien avec les ETTI et les chantiers d'insertion.",
         "Fiches de temps mensuelles à mettre en place."),
    ),
    "Mobilité professionnelle 2017": AnalyseDemo(
        (4, 3, 4, 3, 5), Avis.FAVORABLE,
        "Reconduction de l'action expérimentale de 2016 avec un objectif ramené à 60 prescriptions, plus réaliste "
        "au vu du bilan ; diagnostics d'employabilité et offres d'emploi ciblées. Avis favorable au montant demandé.",
    ),
    "Ateliers seniors : valoriser ses atouts auprès des employeurs": AnalyseDemo(
        (4, 4, 3, 3, 5), Avis.FAVORABLE,
        "Prolonge le séminaire seniors de 2016 par des ateliers et des rencontres d'employeurs ; 24 entrées sur "
        "quatre mois. Avis favorable au montant demandé.",
    ),
    "POEC « métiers du commerce » 2017": AnalyseDemo(
        (3, 4, 2, 3, 4), Avis.RESERVE,
        "Seconde session d'une POEC utile, mais sans engagement de recrutement des enseignes et sans bilan "
        "détaillé de la session 2016 (placements à six mois). Avis réservé : proposer l'ajournement dans "
        "l'attente de ces éléments.",
        propose=Decimal("20000.00"),
    ),
    "Ateliers d'initiation au numérique": AnalyseDemo(
        (1, 3, 2, 2, 4), Avis.DEFAVORABLE,
        "L'initiation au numérique relève de l'offre de droit commun (espaces publics numériques de la ville) ; "
        "l'action ne mène pas directement à l'emploi. Avis défavorable.",
        propose=Decimal("0.00"),
    ),
    "Permanences PLIE de proximité au quartier du Mail": AnalyseDemo(
        (5, 4, 4, 5, 4), Avis.FAVORABLE,
        "Répond à la baisse des prescriptions constatée en 2016 ; permanence au cœur du quartier prioritaire du "
        "Mail, en lien avec le Contrat de ville. Avis favorable au montant demandé.",
    ),
}
# Portage : une note par critère autour de 4, qui varie d'une structure à l'autre de façon reproductible.
_ECARTS_PORTAGE = [(0, 0, 0, 0, 0), (1, 0, 0, 0, 0), (0, 0, 1, 0, -1), (0, 1, 0, 1, 0), (0, -1, 0, 0, 0)]
_REMARQUES_PORTAGE = (
    "Territoire et public conformes au cahier des charges.",
    "Entretiens individuels, montage de parcours, suivi dans ABC Viesion.",
    "Part des objectifs au prorata des référents.",
    "Participation aux GTT et aux bilans des actions.",
    "Suivi des temps et des dépenses de personnel décrit.",
)


def analyse_de(op) -> AnalyseDemo:
    """L'analyse d'une réponse (`op` : une OperationDemo) ; celles du portage se ressemblent, au volume près."""
    if op.intitule in ANALYSES:
        return ANALYSES[op.intitule]
    if op.type != "PORTAGE_REFERENTS":
        raise KeyError(f"Aucune analyse de démonstration pour « {op.intitule} ».")
    ecart = _ECARTS_PORTAGE[sum(map(ord, op.porteur)) % len(_ECARTS_PORTAGE)]
    o = op.objectifs
    return AnalyseDemo(
        tuple(4 + e for e in ecart), Avis.FAVORABLE,
        f"{op.porteur} reconduit ses référents de parcours pour 2016 : file active de {o['FILE_ACTIVE']} participants, "
        f"{o['ENTREES']} entrées et {o['SORTIES_POSITIVES']} sorties positives, sa part des objectifs du PLIE. "
        "Coût conforme au coût moyen d'un référent. Avis favorable au montant demandé.",
        _REMARQUES_PORTAGE,
    )


# --- Comités ---

# Les autres membres des comités, sans mot de passe utilisable : ils n'existent que pour la composition des séances.
MEMBRES = [
    ("f.lemoine", "Françoise", "Lemoine", "vice-présidente du Grand Dijon déléguée à l'emploi, présidente du PLIE"),
    ("b.vincent", "Bernard", "Vincent", "représentant du Conseil départemental de la Côte-d'Or"),
    ("s.fournier", "Sabine", "Fournier", "chargée de mission FSE, DIRECCTE Bourgogne-Franche-Comté"),
]
MEMBRE_QUI_DECIDE = "comite"  # le compte de démonstration enregistre les décisions et valide le PV


@dataclass
class ComiteDemo:
    """Une séance. L'ordre du jour d'un comité tenu : les réponses que leur calendrier fait décider ce jour-là ;
    celui d'un comité seulement convoqué : les réponses instruites qui attendent une décision."""

    date: datetime  # ouverture de la séance
    convocation: datetime
    etat: str
    lieu: str = "GIP MDEF, salle du conseil, Dijon"
    type: str = TypeComite.PROGRAMMATION
    membres: tuple[str, ...] = ("f.lemoine", "comite", "b.vincent", "s.fournier")
    duree: timedelta = timedelta(hours=3)  # le PV est validé en fin de séance

    @property
    def fin(self) -> datetime:
        return self.date + self.duree


COMITES = [
    ComiteDemo(_a(2016, 3, 22, 14), _a(2016, 3, 8, 17, 30), EtatComite.PV_VALIDE),
    ComiteDemo(_a(2017, 3, 21, 9, 30), _a(2017, 3, 7, 17, 30), EtatComite.PV_VALIDE, duree=timedelta(hours=2)),
    ComiteDemo(_a(2017, 6, 20, 14), _a(2017, 6, 6, 17, 30), EtatComite.PV_VALIDE),
    # Convoqué, pas encore tenu : le compte `comite` peut y enregistrer la décision.
    ComiteDemo(_a(2017, 7, 11, 14), _a(2017, 6, 27, 17, 30), EtatComite.CONVOQUE),
]
ECART_ENTRE_DECISIONS = timedelta(minutes=10)


# --- Pièces déposées : un PDF d'une page qui dit ce qu'il remplace ---

def _texte_pdf(texte: str) -> bytes:
    return texte.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def piece_pdf(titre: str, lignes: list[str]) -> bytes:
    """Un PDF d'une page, valide (table de renvois exacte) : la démonstration n'a pas les vraies pièces."""
    flux = b"BT /F1 16 Tf 56 770 Td (" + _texte_pdf(titre) + b") Tj /F1 11 Tf"
    for ligne in lignes:
        flux += b" 0 -22 Td (" + _texte_pdf(ligne) + b") Tj"
    flux += b" ET"
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
    ]
    pdf, positions = bytearray(b"%PDF-1.4\n"), []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(pdf))
        pdf += b"%d 0 obj\n" % numero + corps + b"\nendobj\n"
    renvois = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % p for p in positions)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, renvois)
    return bytes(pdf)
