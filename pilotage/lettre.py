"""Les chiffres de la lettre d'un mois, lus du rapport d'activité et de la réalisation des opérations : rien n'est
recalculé ici. Le mois est comparé au même mois de l'année précédente.

Tout ce que la lettre montre est agrégé (des nombres, des opérations et leurs porteurs) : aucune donnée personnelle,
ce qui permet de l'envoyer à des destinataires sans compte (docs/lettre-mensuelle.md).
"""
import calendar
from datetime import date
from decimal import Decimal

from operations.models import Operation
from participants.rapport import rapport_activite
from participants.realisation import ETATS_REALISES, realisation

DEFINITIONS = "docs/specs/rapport-activite.md"
CLAUSES_ET_ENVELOPPE = "docs/specs/clauses-et-enveloppe.md"

# (clé, libellé, où le rapport le définit) : l'ordre est celui de la lettre.
CHIFFRES = [
    ("accompagnes", "Personnes suivies", f"{DEFINITIONS}, « accompagnés » : parcours ouvert pendant le mois"),
    ("entrees", "Entrées dans le PLIE", f"{DEFINITIONS}, « entrées » : date d'entrée dans le mois"),
    ("sorties", "Sorties", f"{DEFINITIONS}, « sorties » : date de sortie dans le mois"),
    ("sorties_positives", "Sorties positives", f"{DEFINITIONS}, « sorties positives » : sorties d'une catégorie positive"),
    ("taux_sorties_positives", "Taux de sorties positives", f"{DEFINITIONS}, « taux de sorties positives » = positives / sorties"),
    ("etapes_vers_emploi", "Étapes vers l'emploi", f"{DEFINITIONS}, « étapes vers l'emploi » : étapes commencées dans le mois"),
    ("heures_clauses", "Heures de clauses d'insertion", f"{CLAUSES_ET_ENVELOPPE}, « clauses / heures / total » : heures travaillées dans le mois"),
    ("aides_montant", "Aides de l'enveloppe souple payées", f"{CLAUSES_ET_ENVELOPPE}, « enveloppe_souple / montant_total » : payées dans le mois"),
    ("aides_participants", "Participants aidés par l'enveloppe souple", f"{CLAUSES_ET_ENVELOPPE}, « enveloppe_souple / participants_aides / total » : une aide payée dans le mois"),
]
TAUX = {"taux_sorties_positives"}
MONTANTS = {"aides_montant"}


def bornes_du_mois(mois: date) -> tuple[date, date]:
    return mois.replace(day=1), mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])


def meme_mois_annee_precedente(mois: date) -> date:
    return mois.replace(year=mois.year - 1, day=1)


def _valeurs(rapport: dict) -> dict:
    """Les chiffres de la lettre dans un rapport d'activité (les clés du JSON du rapport, un contrat)."""
    sorties, clauses, enveloppe = rapport["sorties"], rapport["clauses"], rapport["enveloppe_souple"]
    return {
        "accompagnes": rapport["accompagnes"]["total"],
        "entrees": rapport["entrees"]["total"],
        "sorties": sorties["total"],
        "sorties_positives": sorties["positives"],
        "taux_sorties_positives": str(sorties["taux_sorties_positives"]),
        "etapes_vers_emploi": rapport["etapes"]["vers_emploi"],
        "heures_clauses": str(clauses["heures"]["total"]),
        "aides_montant": str(enveloppe["montant_total"]),
        "aides_participants": enveloppe["participants_aides"]["total"],
    }


def _ecart(valeur, precedent):
    return str(Decimal(str(valeur)) - Decimal(str(precedent)))


def operations_du_mois(debut: date, fin: date, plie_id: int | None = None):
    """Les opérations du PLIE en réalisation (ou achevées) dont la période touche le mois (le porteur d'une opération
    est une structure de son PLIE)."""
    operations = Operation.objects.filter(etat__in=ETATS_REALISES, date_debut__lte=fin, date_fin__gte=debut)
    if plie_id is not None:
        operations = operations.filter(plie_id=plie_id)
    return operations.select_related("porteur", "type").order_by("code")


def objectifs_du_mois(debut: date, fin: date, plie_id: int | None = None) -> list[dict]:
    """La réalisation de chaque opération à la fin du mois (participants.realisation), sans projection."""
    resultat = []
    for operation in operations_du_mois(debut, fin, plie_id):
        lignes = [{"indicateur": r.indicateur, "unite": r.unite, "cible": str(r.cible),
                   "realise": None if r.realise is None else str(r.realise),
                   "part": None if r.part is None else str(r.part)}
                  for r in realisation(operation, au=fin)]
        if lignes:
            resultat.append({"code": operation.code, "intitule": operation.intitule, "porteur": str(operation.porteur),
                             "objectifs": lignes})
    return resultat


def chiffres_de_la_lettre(mois: date, plie_id: int | None = None) -> dict:
    """Les chiffres de la lettre du PLIE pour le mois `mois` : le mois, le même mois de l'année précédente, l'écart, la
    source de chaque chiffre, et les objectifs des opérations. Un dict de textes et d'entiers (figé en JSON).
    `plie_id` None : toute l'installation (d'un seul PLIE)."""
    debut, fin = bornes_du_mois(mois)
    avant = meme_mois_annee_precedente(debut)
    plies = None if plie_id is None else [plie_id]
    rapports = (rapport_activite(debut, fin, plies), rapport_activite(*bornes_du_mois(avant), plies))
    du_mois, de_l_an_passe = (_valeurs(r) for r in rapports)
    return {
        "mois": debut.isoformat(),
        "comparaison": avant.isoformat(),
        "lignes": [{"cle": cle, "libelle": libelle, "source": source, "valeur": du_mois[cle],
                    "precedent": de_l_an_passe[cle], "ecart": _ecart(du_mois[cle], de_l_an_passe[cle])}
                   for cle, libelle, source in CHIFFRES],
        "operations": objectifs_du_mois(debut, fin, plie_id),
    }
