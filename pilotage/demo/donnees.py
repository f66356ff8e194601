"""Les données de la démonstration, sans accès à la base : qui (structures, comptes, référents), quoi (les
opérations 2016 et 2017, leurs plans de financement et l'appel à projets auquel chacune répond) et comment elles
ont vécu (chemins dans la machine à états, délais, comités de pilotage, motivations). Les appels eux-mêmes sont
dans `appels`.

Tout est déterministe : deux chargements donnent les mêmes codes, les mêmes montants et les mêmes dates.
"""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from annuaire.models import Structure
from annuaire.roles import Role
from appels_projets.options import EtatComite
from operations.options import CategorieDepense, Etat

from .appels import ACTIONS_2017, CLAUSES_2016, COMITES, PORTAGE_2016, REMOBILISATION_2016, REMOBILISATION_2017

CENTIME = Decimal("0.01")
AN_2016 = (date(2016, 1, 1), date(2016, 12, 31))
AN_2017 = (date(2017, 1, 1), date(2017, 12, 31))


# --- Structures : (nom, sigle, catégorie, commune) ; on les désigne par str(structure), le sigle sinon le nom ---

C = Structure.Categorie
STRUCTURES = [
    ("GIP Maison de l'emploi et de la formation du bassin dijonnais", "GIP MDEF", C.ANIMATION, "Dijon"),
    ("APSALC", "", C.PORTEUR, "Dijon"),
    ("CESAM", "", C.PORTEUR, "Dijon"),
    ("IFPA", "", C.PORTEUR, "Dijon"),
    ("IRFA", "", C.PORTEUR, "Dijon"),
    ("Ligue de l'enseignement", "", C.PORTEUR, "Dijon"),
    ("Mission locale de l'agglomération dijonnaise", "Mission locale", C.PORTEUR, "Dijon"),
    ("Ville de Quetigny", "", C.PORTEUR, "Quetigny"),
    ("Ville de Talant", "", C.PORTEUR, "Talant"),
    ("Ville de Longvic", "", C.PORTEUR, "Longvic"),
    ("Ville de Chenôve", "", C.PORTEUR, "Chenôve"),
    ("Solid'ère", "", C.PRESTATAIRE, "Dijon"),
    ("Randstad", "", C.PRESTATAIRE, "Dijon"),
    ("FORCO", "", C.PRESTATAIRE, "Dijon"),
    ("Ethicofil", "", C.PRESTATAIRE, "Dijon"),
    ("AMNYOS", "", C.PRESTATAIRE, "Dijon"),
    ("ARIQ BTP", "", C.PRESTATAIRE, "Dijon"),
    ("Ethique et Sens", "", C.PRESTATAIRE, "Dijon"),
]
GIP = "GIP MDEF"

# --- Comptes ---

MOT_DE_PASSE = "demo"  # le même pour tous et public : d'où le refus de charger quand DEBUG est faux
DOMAINE = "demo.plie.invalid"  # .invalid est réservé (RFC 2606) : ces adresses n'atteignent personne

# Les comptes à essayer : (identifiant, prénom, nom, rôle, structure, fonction).
COMPTES = [
    ("animation", "Claire", "Bonnet", Role.ANIMATION, GIP, "coordinatrice du PLIE"),
    ("porteur", "Julien", "Moreau", Role.PORTEUR, "IRFA", "responsable des actions PLIE à l'IRFA"),
    ("referent", "Hélène", "Garnier", Role.REFERENT, "Mission locale", "référente de parcours"),
    ("comite", "Marc", "Dubois", Role.COMITE, None, "membre du comité de pilotage"),
    ("gestionnaire", "Valérie", "Rousseau", Role.GESTIONNAIRE, GIP, "gestionnaire FSE"),
    ("admin", "Alain", "Renaud", Role.ADMINISTRATEUR, GIP, "administrateur"),
]

# Un compte porteur par structure qui porte une opération (celui de l'IRFA est `porteur`).
PORTEURS = {
    GIP: ("porteur.mdef", "Sylvie", "Collin"),
    "APSALC": ("porteur.apsalc", "Bruno", "Marchand"),
    "CESAM": ("porteur.cesam", "Patricia", "Noël"),
    "IFPA": ("porteur.ifpa", "Olivier", "Lemaire"),
    "IRFA": ("porteur", "Julien", "Moreau"),
    "Ligue de l'enseignement": ("porteur.ligue", "Catherine", "Guérin"),
    "Mission locale": ("porteur.missionlocale", "Stéphane", "Faure"),
    "Ville de Quetigny": ("porteur.quetigny", "Martine", "Blanc"),
    "Ville de Talant": ("porteur.talant", "Philippe", "Boyer"),
    "Ville de Longvic": ("porteur.longvic", "Nathalie", "Robin"),
    "Ville de Chenôve": ("porteur.chenove", "Éric", "Clément"),
    "Solid'ère": ("porteur.solidere", "Anne", "Masson"),
    "Randstad": ("porteur.randstad", "David", "Roche"),
    "FORCO": ("porteur.forco", "Christine", "Vidal"),
    "Ethicofil": ("porteur.ethicofil", "Laurent", "Perrot"),
    "AMNYOS": ("porteur.amnyos", "Véronique", "Brun"),
    "ARIQ BTP": ("porteur.ariqbtp", "Jérôme", "Caron"),
    "Ethique et Sens": ("porteur.ethiqueetsens", "Agnès", "Lacroix"),
}

# Les 14 référents de parcours du rapport, dans l'ordre des structures porteuses ; Hélène Garnier est `referent`.
REFERENTS = [
    ("APSALC", "Amélie", "Martin"), ("APSALC", "Karim", "Benali"),
    ("CESAM", "Sophie", "Girard"),
    ("IFPA", "Nadia", "Haddad"), ("IFPA", "Pierre", "Lambert"),
    ("IRFA", "Céline", "Roux"), ("IRFA", "Thomas", "Fontaine"),
    ("Ligue de l'enseignement", "Isabelle", "Mercier"),
    ("Mission locale", "Hélène", "Garnier"), ("Mission locale", "Mehdi", "Saïdi"),
    ("Ville de Quetigny", "Laurence", "Petit"),
    ("Ville de Talant", "Élodie", "Chevalier"),
    ("Ville de Longvic", "Frédéric", "Gauthier"),
    ("Ville de Chenôve", "Sandrine", "Lefèvre"),
]
REFERENT_ENTREPRISES = (GIP, "Nicolas", "Perrin")  # le référent relations entreprises, salarié du GIP depuis 2015

# Objectifs 2016 du portage de référents (rapport, « Appels à projets 2016 ») : 14 référents.
OBJECTIFS_PORTAGE = {"FILE_ACTIVE": 889, "ENTREES": 700, "SORTIES_POSITIVES": 350}


def identifiant(prenom: str, nom: str) -> str:
    """« Élodie Chevalier » -> `e.chevalier`."""
    texte = unicodedata.normalize("NFKD", f"{prenom[0]}.{nom}").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z.]", "", texte)


def repartir(total: int, poids: list[int]) -> list[int]:
    """Répartit `total` au prorata de `poids` en entiers dont la somme est exactement `total` (plus forts restes)."""
    somme = sum(poids)
    exacts = [Decimal(total) * p / somme for p in poids]
    parts = [int(x) for x in exacts]
    # À reste égal, la structure citée la première l'emporte : le résultat ne dépend que de l'ordre des listes.
    par_reste = sorted(range(len(poids)), key=lambda i: (-(exacts[i] - parts[i]), i))
    for i in par_reste[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- Plans de financement ---

def _euros(valeur) -> Decimal:
    return Decimal(str(valeur)).quantize(CENTIME, rounding=ROUND_HALF_UP)


def plan(*, personnel=(), fonctionnement=(), prestations=(), financement: dict, solde="AUTOFINANCEMENT", forfait=True):
    """Dépenses et ressources équilibrées au centime : le financeur `solde` reçoit ce que les taux laissent."""
    P = CategorieDepense
    depenses = [(P.PERSONNEL, libelle, _euros(m)) for libelle, m in personnel]
    depenses += [(P.FONCTIONNEMENT, libelle, _euros(m)) for libelle, m in fonctionnement]
    depenses += [(P.PRESTATIONS, libelle, _euros(m)) for libelle, m in prestations]
    frais_de_personnel = sum((m for categorie, _, m in depenses if categorie == P.PERSONNEL), Decimal("0.00"))
    if forfait and frais_de_personnel:
        # Coûts indirects au forfait de 15 % des frais de personnel directs (Règlement (UE) n° 1303/2013, art. 68 § 1 b).
        depenses.append((P.INDIRECTES, "Forfait de 15 % des dépenses directes de personnel",
                         _euros(frais_de_personnel * Decimal("0.15"))))
    total = sum((m for _, _, m in depenses), Decimal("0.00"))
    ressources = [(code, _euros(total * Decimal(taux))) for code, taux in financement.items()]
    reste = total - sum(m for _, m in ressources)
    if reste < 0 or solde in financement:
        raise ValueError(f"Plan de financement mal construit : reste {reste} pour {solde}.")
    if reste:
        ressources.append((solde, reste))
    return depenses, ressources


ASSOCIATION = {"FSE": "0.50", "METROPOLE": "0.25", "DEPARTEMENT": "0.10"}
COMMUNE = {"FSE": "0.50", "METROPOLE": "0.20", "DEPARTEMENT": "0.10"}
MISSION_LOCALE = {"FSE": "0.50", "METROPOLE": "0.20", "ETAT": "0.15"}
PRESTATAIRE = {"FSE": "0.50", "METROPOLE": "0.30"}
GIP_MDEF = {"FSE": "0.50", "METROPOLE": "0.30", "ETAT": "0.10"}

# Coût annuel chargé d'un référent à temps plein, par structure (≈ 45 000 €).
COUT_REFERENT = {
    "APSALC": 45600, "CESAM": 44900, "IFPA": 46300, "IRFA": 46800, "Ligue de l'enseignement": 44200,
    "Mission locale": 45300, "Ville de Quetigny": 43700, "Ville de Talant": 43900, "Ville de Longvic": 44400,
    "Ville de Chenôve": 44100,
}


# --- Opérations ---

@dataclass
class OperationDemo:
    intitule: str
    type: str
    porteur: str
    periode: tuple[date, date]
    etat: str
    depuis: date  # date du dépôt (de la création pour un brouillon) ; avant la date limite de son appel
    financement: tuple
    objectifs: dict
    description: str = ""
    complements: bool = False  # passée par « incomplète » avant d'être recevable
    correction: bool = False  # bilan renvoyé une fois pour correction avant d'être contrôlé
    motivations: dict = field(default_factory=dict)
    appel: str = ""  # la clé de l'appel à projets auquel elle répond (voir `appels`) ; vide : hors appel


def _portages() -> list[OperationDemo]:
    structures = list(Counter(s for s, _, _ in REFERENTS).items())
    parts = {code: repartir(total, [n for _, n in structures]) for code, total in OBJECTIFS_PORTAGE.items()}
    # 2016 est close à la fin juin 2017 : bilans déposés, contrôlés ou soldés ; Longvic est passé par une correction.
    etats = {
        "APSALC": Etat.SOLDEE, "CESAM": Etat.BILAN_CONTROLE, "IFPA": Etat.SOLDEE, "IRFA": Etat.BILAN_DEPOSE,
        "Ligue de l'enseignement": Etat.BILAN_A_CORRIGER, "Mission locale": Etat.SOLDEE,
        "Ville de Quetigny": Etat.BILAN_CONTROLE, "Ville de Talant": Etat.BILAN_DEPOSE, "Ville de Longvic": Etat.SOLDEE,
        "Ville de Chenôve": Etat.BILAN_CONTROLE,
    }
    portages = []
    for i, (structure, n) in enumerate(structures):
        taux = MISSION_LOCALE if structure == "Mission locale" else COMMUNE if structure.startswith("Ville") else ASSOCIATION
        etp = "1 ETP" if n == 1 else f"{n} ETP"
        portages.append(OperationDemo(
            f"Portage de référents de parcours PLIE 2016 – {structure}", "PORTAGE_REFERENTS", structure, AN_2016,
            etats[structure], date(2015, 10, 26) + timedelta(days=i),
            plan(personnel=[(f"Référents de parcours ({etp})", n * COUT_REFERENT[structure])], financement=taux),
            {code: parts[code][i] for code in OBJECTIFS_PORTAGE},
            "Accueil et accompagnement individualisé des participants du PLIE par un référent de parcours unique, "
            "suivi des contrats d'engagement RSA, saisie des parcours dans ABC Viesion.",
            complements=structure == "CESAM", correction=structure == "Ville de Longvic", appel=PORTAGE_2016,
            motivations={"demander_complements": (
                "L'attestation de régularité fiscale et sociale manque au dossier : merci de joindre les attestations "
                "URSSAF et DGFiP de moins de six mois."
            ), "renvoyer_bilan": (
                "Les fiches de temps du référent ne sont pas signées et les bulletins de salaire d'octobre et de "
                "novembre manquent." if structure == "Ligue de l'enseignement" else
                "Les feuilles d'émargement de novembre et de décembre manquent ; le temps déclaré ne correspond "
                "pas aux fiches de temps."
            )},
        ))
    return portages


def operations_de_demo() -> list[OperationDemo]:
    """Les opérations dans l'ordre de création : il fixe leurs codes (OP-2016-001…, OP-2017-001…)."""
    O = OperationDemo
    animation_2016 = O(
        "Animation du PLIE 2016", "ANIMATION_PLIE", GIP, AN_2016, Etat.BILAN_CONTROLE, date(2016, 1, 8),
        plan(personnel=[("Coordinatrice (1 ETP)", 62000), ("Chargée de projet (1 ETP)", 44500),
                        ("Assistante de direction (1 ETP)", 36500), ("Référent relations entreprises (1 ETP)", 45000)],
             fonctionnement=[("Licences du logiciel de suivi ABC Viesion", 6800),
                             ("Instances et lettre d'information mensuelle", 3200)],
             financement=GIP_MDEF),
        {"ACCOMPAGNES": 1500, "TAUX_SORTIES_POSITIVES": 50},
        "Animation, coordination et ingénierie financière du PLIE par la structure d'animation du GIP MDEF : "
        "instances, suivi des référents, appels à projets, gestion du FSE.",
    )
    enveloppe_2016 = O(
        "Enveloppe souple 2016", "ENVELOPPE_SOUPLE", GIP, AN_2016, Etat.SOLDEE, date(2016, 1, 8),
        plan(fonctionnement=[("Aides individuelles aux participants (garde d'enfants, transport, équipement)",
                              "18044.30")], financement={"FSE": "0.50"}, solde="METROPOLE", forfait=False),
        {"PARTICIPANTS_AIDES": 46},
        "Aides ponctuelles qui lèvent les freins périphériques à l'emploi ou à la formation (56 demandes traitées en 2016).",
    )
    actions_2016 = [
        O("Remobilisation autour des compétences 2016", "REMOBILISATION", "IRFA", AN_2016, Etat.SOLDEE,
          date(2015, 10, 29),
          plan(personnel=[("Formateurs (1,4 ETP)", 58800), ("Coordination pédagogique (0,2 ETP)", 9600)],
               fonctionnement=[("Supports pédagogiques et immersions en entreprise", 4500)],
               financement={"FSE": "0.50", "METROPOLE": "0.20", "DEPARTEMENT": "0.10"}),
          {"ENTREES": 150},
          "Accueil et diagnostic, remédiation et travail sur le projet, recherche d'emploi : développer les "
          "compétences transverses des participants.", appel=REMOBILISATION_2016,
          # Le comité vote moins que demandé (appels.ANALYSES) : la convention porte 37 000 €, l'IRFA l'écart.
          motivations={"programmer": "Programmée à 37 000 € de FSE au lieu des 41 580 € demandés : les supports "
                                     "pédagogiques et les immersions relèvent en partie de l'offre régionale ; "
                                     "l'écart est porté par l'autofinancement de l'IRFA."}),
        O("Accompagnement des clauses d'insertion ARIQ BTP 2016-2017", "CLAUSES_INSERTION", "ARIQ BTP",
          (date(2016, 1, 1), date(2017, 12, 31)), Etat.EN_REALISATION, date(2015, 11, 3),
          plan(personnel=[("Chargé d'accompagnement clauses (1 ETP sur 2 ans)", 94000),
                          ("Encadrement (0,1 ETP sur 2 ans)", 11000)],
               fonctionnement=[("Déplacements sur les chantiers", 6000)],
               financement={"FSE": "0.50", "METROPOLE": "0.35"}),
          {"ACCOMPAGNES": 126, "HEURES_INSERTION": 72333, "SORTIES_POSITIVES": 39},
          "Positionnement des participants sur les heures d'insertion des marchés publics (BTP et services), "
          "suivi en mission et consolidation dans l'emploi.", appel=CLAUSES_2016),
        O("Relation entreprises 2016", "PRESTATION", "Solid'ère", AN_2016, Etat.SOLDEE, date(2016, 1, 19),
          plan(personnel=[("Chargé de relations entreprises (0,8 ETP)", 34400)],
               fonctionnement=[("Seed dating et déplacements", 2600)], financement=PRESTATAIRE),
          {"PRESCRIPTIONS": 70, "ENTREPRISES_PROSPECTEES": 326},
          "Mobilisation d'un réseau d'entreprises, recherche d'offres ciblées, préparation aux entretiens, placement."),
        O("Mobilité professionnelle 2016", "PRESTATION", "Randstad", (date(2016, 6, 1), date(2016, 12, 31)),
          Etat.BILAN_DEPOSE, date(2016, 4, 4),
          plan(personnel=[("Consultants en recrutement (0,6 ETP sur 7 mois)", 17500)],
               fonctionnement=[("Outils de diagnostic d'employabilité", 3800)], financement=PRESTATAIRE),
          {"PRESCRIPTIONS": 150},
          "Diagnostics d'employabilité, ateliers sur les secteurs qui recrutent, propositions d'offres d'emploi."),
        O("POEC « métier du commerce »", "PRESTATION", "FORCO", (date(2016, 3, 14), date(2016, 7, 8)),
          Etat.SOLDEE, date(2016, 1, 25),
          plan(personnel=[("Ingénierie et suivi (0,1 ETP)", 4200)],
               prestations=[("Formation employé libre service, caisse et vente (12 stagiaires)", 40800)],
               financement={"FSE": "0.50", "METROPOLE": "0.15"}),
          {"ENTREES": 12},
          "Préparation opérationnelle à l'emploi collective montée avec la branche du commerce."),
        O("Sensibilisation aux métiers du commerce et du négoce", "PRESTATION", "Ethicofil", AN_2016,
          Etat.BILAN_CONTROLE, date(2016, 1, 20),
          plan(personnel=[("Formateurs et encadrants techniques (0,9 ETP)", 37800)],
               fonctionnement=[("Plateau de téléprospection et supports", 4200)], financement=ASSOCIATION),
          {"ENTREES": 19},
          "Formation et expérience en situation de travail dans la vente et la téléprospection.",
          complements=True,
          motivations={"demander_complements": "Merci de préciser le temps des encadrants affecté à l'action "
                                                "et de joindre le contrat de prestation signé."}),
        O("Séminaire seniors", "PRESTATION", "AMNYOS", (date(2016, 9, 1), date(2016, 11, 30)), Etat.SOLDEE,
          date(2016, 5, 9),
          plan(personnel=[("Consultants : préparation et animation (18 jours)", 10800)],
               fonctionnement=[("Location de salle et accueil", 1300)],
               prestations=[("Réalisation des interviews filmées", 2900)], financement=PRESTATAIRE),
          {"ACCOMPAGNES": 30},
          "Journée consacrée à l'emploi des participants de plus de 50 ans : témoignages, rencontres d'entreprises."),
        O("Analyse des pratiques des référents 2016", "PRESTATION", "Ethique et Sens",
          (date(2016, 2, 1), date(2016, 12, 31)), Etat.BILAN_DEPOSE, date(2016, 1, 18),
          plan(personnel=[("Intervenante : ateliers et restitutions (22 jours)", 13200)], financement=PRESTATAIRE),
          {"HEURES_FORMATION": 210},
          "Ateliers de 5 à 8 référents sur leurs pratiques d'accompagnement, restitutions en groupe de travail."),
        O("Formation-action des référents 2016-2017", "PRESTATION", "AMNYOS", (date(2016, 10, 1), date(2017, 6, 30)),
          Etat.EN_REALISATION, date(2016, 7, 18),
          plan(personnel=[("Consultants formateurs (40 jours)", 28000)],
               fonctionnement=[("Supports et outils du socle de pratiques", 1500)], financement=PRESTATAIRE),
          {"HEURES_FORMATION": 525},
          "Définir un socle de pratiques professionnelles structurantes de l'accompagnement et les compétences associées."),
    ]
    perspectives_2017 = [
        O("Animation du PLIE 2017", "ANIMATION_PLIE", GIP, AN_2017, Etat.EN_REALISATION, date(2016, 10, 24),
          plan(personnel=[("Coordinatrice (1 ETP)", 63000), ("Chargée de projet (1 ETP)", 45200),
                          ("Assistante de direction (1 ETP)", 37000), ("Référent relations entreprises (1 ETP)", 45600)],
               fonctionnement=[("Licences du logiciel de suivi ABC Viesion", 6800),
                               ("Instances et lettre d'information mensuelle", 3400)],
               financement=GIP_MDEF),
          {"ACCOMPAGNES": 1500, "TAUX_SORTIES_POSITIVES": 50},
          "Nouveau positionnement de la structure d'animation : pilotage, observation des parcours, relation entreprises."),
        O("Enveloppe souple 2017", "ENVELOPPE_SOUPLE", GIP, AN_2017, Etat.EN_REALISATION, date(2016, 10, 26),
          plan(fonctionnement=[("Aides individuelles aux participants (garde d'enfants, transport, équipement)", 20000)],
               financement={"FSE": "0.50"}, solde="METROPOLE", forfait=False),
          {"PARTICIPANTS_AIDES": 50},
          "Aides ponctuelles qui sécurisent l'entrée en emploi ou en formation."),
        O("Mobilité professionnelle 2017", "PRESTATION", "Randstad", (date(2017, 9, 1), date(2018, 2, 28)),
          Etat.CONVENTIONNEE, date(2017, 2, 6),
          plan(personnel=[("Consultants en recrutement (0,5 ETP sur 6 mois)", 13200)],
               fonctionnement=[("Outils de diagnostic d'employabilité", 2400)], financement=PRESTATAIRE),
          {"PRESCRIPTIONS": 60},
          "Reconduction de l'action expérimentale de 2016, sur une période plus longue et un objectif réaliste.",
          appel=ACTIONS_2017),
        O("Ateliers seniors : valoriser ses atouts auprès des employeurs", "PRESTATION", "AMNYOS",
          (date(2017, 9, 1), date(2017, 12, 31)), Etat.PROGRAMMEE, date(2017, 3, 27),
          plan(personnel=[("Consultants (24 jours)", 14400)], fonctionnement=[("Salles et rencontres d'entreprises", 1600)],
               financement=PRESTATAIRE),
          {"ENTREES": 24},
          "Suite du séminaire seniors de 2016 : ateliers collectifs et rencontres avec des employeurs.",
          appel=ACTIONS_2017),
        O("POEC « métiers du commerce » 2017", "PRESTATION", "FORCO", (date(2017, 10, 2), date(2018, 1, 31)),
          Etat.AJOURNEE, date(2017, 3, 20),
          plan(personnel=[("Ingénierie et suivi (0,1 ETP)", 4300)],
               prestations=[("Formation employé libre service, caisse et vente (12 stagiaires)", 40800)],
               financement={"FSE": "0.50", "METROPOLE": "0.15"}),
          {"ENTREES": 12},
          "Seconde session de la préparation opérationnelle à l'emploi avec la branche du commerce.", appel=ACTIONS_2017,
          motivations={"ajourner": "Le comité demande les engagements de recrutement des enseignes partenaires et "
                                   "le bilan détaillé de la session 2016 avant de se prononcer."}),
        O("Permanences PLIE de proximité au quartier du Mail", "PRESTATION", "Ville de Chenôve",
          (date(2017, 9, 1), date(2017, 12, 31)), Etat.INSTRUITE, date(2017, 5, 22),
          plan(personnel=[("Chargée d'accueil (0,5 ETP sur 4 mois)", 7400)],
               fonctionnement=[("Local de permanence", 1200)], financement=COMMUNE),
          {"PRESCRIPTIONS": 60, "ENTREES": 35},
          "Rapprocher le PLIE des habitants du quartier prioritaire pour relancer les prescriptions.",
          appel=REMOBILISATION_2017),
        O("Observation des publics et analyse des parcours", "PRESTATION", "AMNYOS",
          (date(2017, 7, 3), date(2017, 12, 22)), Etat.EN_INSTRUCTION, date(2017, 5, 29),
          plan(personnel=[("Chargés d'études (30 jours)", 21000)], fonctionnement=[("Restitutions", 1000)],
               financement=PRESTATAIRE),
          {"ETAPES": 1800},
          "Analyse des parcours et des étapes pour ajuster l'offre de services, en lien avec le Contrat de ville.",
          appel=REMOBILISATION_2017),
        O("Analyse des pratiques des référents 2017", "PRESTATION", "Ethique et Sens",
          (date(2017, 9, 1), date(2018, 6, 30)), Etat.RECEVABLE, date(2017, 6, 6),
          plan(personnel=[("Intervenante : ateliers et restitutions (23 jours)", 13800)], financement=PRESTATAIRE),
          {"HEURES_FORMATION": 210},
          "Poursuite des ateliers d'analyse des pratiques pour les 15 référents.", appel=REMOBILISATION_2017),
        O("Relation entreprises 2017", "PRESTATION", "Solid'ère", (date(2017, 9, 1), date(2018, 6, 30)),
          Etat.INCOMPLETE, date(2017, 6, 7),
          plan(personnel=[("Chargé de relations entreprises (0,6 ETP)", 27000)],
               fonctionnement=[("Rencontres employeurs et déplacements", 2000)], financement=PRESTATAIRE),
          {"PRESCRIPTIONS": 50, "ENTREPRISES_PROSPECTEES": 250},
          "Développer la relation avec les entreprises au service des parcours.", appel=REMOBILISATION_2017,
          motivations={"demander_complements": "Merci de joindre le budget prévisionnel détaillé par poste et les "
                                                "lettres d'intention des entreprises partenaires."}),
        O("Préparation aux métiers de la logistique", "REMOBILISATION", "IRFA", (date(2017, 10, 2), date(2018, 3, 30)),
          Etat.DEPOSEE, date(2017, 6, 19),
          plan(personnel=[("Formateurs (0,8 ETP sur 6 mois)", 17600)],
               fonctionnement=[("Plateau technique logistique et CACES", 6400)],
               financement={"FSE": "0.50", "METROPOLE": "0.20", "DEPARTEMENT": "0.10"}),
          {"ENTREES": 15, "SORTIES_POSITIVES": 8},
          "Découverte des métiers de l'entrepôt, préparation au CACES et immersions en entreprise.",
          appel=REMOBILISATION_2017),
        O("Remobilisation autour des compétences – session d'automne 2017", "REMOBILISATION", "IRFA",
          (date(2017, 9, 4), date(2017, 12, 22)), Etat.BROUILLON, date(2017, 6, 12),
          plan(personnel=[("Formateurs (1,4 ETP sur 4 mois)", 19600), ("Coordination pédagogique", 3200)],
               fonctionnement=[("Supports pédagogiques et immersions en entreprise", 1500)],
               financement={"FSE": "0.50", "METROPOLE": "0.25", "DEPARTEMENT": "0.10"}),
          {"ENTREES": 60, "SORTIES_POSITIVES": 15},
          "Nouvelle session de l'action 2016 : diagnostic, remédiation, recherche d'emploi.", appel=REMOBILISATION_2017),
        O("Ateliers d'initiation au numérique", "PRESTATION", "Ligue de l'enseignement",
          (date(2017, 9, 1), date(2017, 12, 31)), Etat.REJETEE, date(2017, 2, 20),
          plan(personnel=[("Animateur numérique (0,5 ETP sur 4 mois)", 8600)],
               fonctionnement=[("Matériel informatique", 2400)], financement={"FSE": "0.50", "METROPOLE": "0.20"}),
          {"ENTREES": 40},
          "Initiation à l'usage du numérique pour la recherche d'emploi.", appel=ACTIONS_2017,
          motivations={"rejeter": "Les ateliers relèvent de l'offre de droit commun (espaces publics numériques) : "
                                  "le comité ne les retient pas au titre du FSE."}),
        O("Sensibilisation aux métiers de la relation client à distance", "PRESTATION", "Ethicofil",
          (date(2017, 6, 1), date(2017, 12, 31)), Etat.IRRECEVABLE, date(2017, 4, 10),
          plan(personnel=[("Formateurs (0,5 ETP)", 21000)], fonctionnement=[("Plateau de téléprospection", 3000)],
               financement={"FSE": "0.50", "METROPOLE": "0.25"}),
          {"ENTREES": 15},
          "Formation aux métiers de la relation client par téléphone.", appel=ACTIONS_2017,
          motivations={"declarer_irrecevable": "L'action vise des salariés en poste, public non éligible au PLIE : "
                                               "la demande ne relève pas de l'appel à projets."}),
        O("Forum de l'emploi du Belvédère", "PRESTATION", "Ville de Talant", (date(2017, 3, 1), date(2017, 4, 30)),
          Etat.ABANDONNEE, date(2017, 1, 16),
          plan(personnel=[("Organisation (0,2 ETP sur 2 mois)", 2900)],
               fonctionnement=[("Chapiteau et communication", 3600)], financement=COMMUNE),
          {"ACCOMPAGNES": 80},
          "Forum de recrutement au cœur du quartier prioritaire du Belvédère.", appel=ACTIONS_2017,
          motivations={"abandonner": "À la demande de la Ville de Talant : le forum est financé sur ses fonds propres, "
                                     "la demande de FSE est retirée."}),
    ]
    return [animation_2016, enveloppe_2016, *_portages(), *actions_2016, *perspectives_2017]


# --- Chemins dans la machine à états, et qui tire chaque transition ---

PRINCIPAL = ["deposer", "declarer_recevable", "instruire", "clore_instruction", "programmer", "conventionner",
             "demarrer", "deposer_bilan", "valider_controle", "solder"]
# La dernière transition du chemin principal qui mène à l'état, ou (tronc, bifurcation) pour les états de côté.
ARRIVEE = {
    Etat.BROUILLON: None, Etat.DEPOSEE: "deposer", Etat.RECEVABLE: "declarer_recevable",
    Etat.EN_INSTRUCTION: "instruire", Etat.INSTRUITE: "clore_instruction", Etat.PROGRAMMEE: "programmer",
    Etat.CONVENTIONNEE: "conventionner", Etat.EN_REALISATION: "demarrer", Etat.BILAN_DEPOSE: "deposer_bilan",
    Etat.BILAN_CONTROLE: "valider_controle", Etat.SOLDEE: "solder",
    Etat.INCOMPLETE: ("deposer", "demander_complements"), Etat.IRRECEVABLE: ("deposer", "declarer_irrecevable"),
    Etat.AJOURNEE: ("clore_instruction", "ajourner"), Etat.REJETEE: ("clore_instruction", "rejeter"),
    Etat.BILAN_A_CORRIGER: ("deposer_bilan", "renvoyer_bilan"), Etat.ABANDONNEE: ("declarer_recevable", "abandonner"),
}

DECISIONS_DU_COMITE = ("programmer", "ajourner", "rejeter")
PAR_LE_PORTEUR = {"deposer", "completer", "deposer_bilan", "redeposer_bilan"}
PAR_ROLE = {
    **dict.fromkeys(["demander_complements", "declarer_recevable", "declarer_irrecevable", "instruire",
                     "clore_instruction", "conventionner", "demarrer", "abandonner"], Role.ANIMATION),
    **dict.fromkeys(DECISIONS_DU_COMITE, Role.COMITE),
    **dict.fromkeys(["renvoyer_bilan", "valider_controle", "solder"], Role.GESTIONNAIRE),
}

# Délai en jours après l'étape précédente ; le comité et le bilan ont leurs propres dates (voir calendrier).
DELAIS = {"deposer": 0, "demander_complements": 9, "completer": 12, "declarer_recevable": 10, "declarer_irrecevable": 14,
          "instruire": 3, "clore_instruction": 21, "conventionner": 35, "demarrer": 5, "renvoyer_bilan": 30,
          "redeposer_bilan": 15, "valider_controle": 45, "solder": 30, "abandonner": 20}
# Les comités de pilotage qui programment les opérations hors appel (prestations achetées, animation, enveloppe
# souple) ; les réponses aux appels passent par les séances de `appels.COMITES`, avec leur ordre du jour et leur PV.
COMITES_DE_PILOTAGE = [date(2016, 3, 22), date(2016, 6, 21), date(2016, 10, 18), date(2016, 12, 13),
                       date(2017, 3, 21), date(2017, 6, 20)]
DELAI_BILAN = timedelta(days=45)  # après la fin de réalisation

MOTIVATIONS = {
    "declarer_recevable": "Dossier complet : pièces administratives et plan de financement conformes.",
    "clore_instruction": "Rapport d'instruction transmis au comité de pilotage.",
    "conventionner": "Convention signée par les deux parties et notifiée au porteur.",
    "valider_controle": "Contrôle de service fait : dépenses et réalisations conformes au bilan.",
    "solder": "Solde calculé sur les dépenses retenues au contrôle.",
}


def chemin(op: OperationDemo) -> list[str]:
    """Les transitions qui mènent une demande de brouillon à l'état voulu."""
    arrivee = ARRIVEE[op.etat]
    if arrivee is None:
        return []
    tronc, bifurcation = arrivee if isinstance(arrivee, tuple) else (arrivee, None)
    noms = PRINCIPAL[: PRINCIPAL.index(tronc) + 1] + ([bifurcation] if bifurcation else [])
    if op.complements and "declarer_recevable" in noms:
        noms[1:1] = ["demander_complements", "completer"]
    if op.correction and "valider_controle" in noms:
        i = noms.index("deposer_bilan") + 1
        noms[i:i] = ["renvoyer_bilan", "redeposer_bilan"]
    return noms


def comite_qui_decide(jour: date):
    """Le premier comité de programmation tenu après `jour` (celui qui décide d'une réponse à un appel), ou None."""
    return next((c for c in COMITES if c.etat == EtatComite.PV_VALIDE and c.date.date() > jour), None)


def calendrier(op: OperationDemo, noms: list[str]) -> list[date]:
    """La date de chaque transition de `noms` : décisions au comité suivant, bilan après la fin de réalisation.

    Une réponse à un appel est décidée par un comité de programmation (`appels.COMITES`) ; son instruction se
    clôt au plus tôt le jour où ce comité est convoqué, avec l'envoi du dossier de séance.
    """
    jours, jour = [], op.depuis
    for nom in noms:
        if nom in DECISIONS_DU_COMITE:
            jour = comite_qui_decide(jour).date.date() if op.appel else next(c for c in COMITES_DE_PILOTAGE if c > jour)
        elif nom == "deposer_bilan":
            jour = max(jour + timedelta(days=1), op.periode[1] + DELAI_BILAN)
        else:
            jour += timedelta(days=DELAIS[nom])
            if nom == "clore_instruction" and op.appel and (comite := comite_qui_decide(jour)):
                jour = max(jour, comite.convocation.date())
        jours.append(jour)
    return jours
