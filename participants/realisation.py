"""La réalisation d'une opération au regard de ses objectifs, calculée à la demande depuis les données des participants.

Qui compte pour une opération : pour un portage de référents, les participants que suivent les référents de la
structure porteuse ; pour l'accompagnement des clauses d'insertion, les participants salariés du dispositif (des heures
importées du service clauses sur la période de l'opération), ses heures d'insertion étant celles de ces fichiers
(`models_clauses.HeuresClause`) ; pour une action, ceux qui ont une étape rattachée à l'opération. La période est celle de
l'opération, arrêtée à aujourd'hui si elle est en cours : la projection prolonge le rythme constaté jusqu'à la fin,
et une alerte se lève quand elle reste sous 90 % de la cible.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from operations.models import Operation
from operations.options import Etat

from .models import Etape, Participant, Presence, Seance
from .options import StatutPresence
from .rapport_clauses import heures_de_la_periode

SEUIL_ALERTE = Decimal("0.90")
ETATS_REALISES = [Etat.CONVENTIONNEE, Etat.EN_REALISATION, Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER,
                  Etat.BILAN_CONTROLE, Etat.SOLDEE]
PORTAGE = "PORTAGE_REFERENTS"
CLAUSES = "CLAUSES_INSERTION"


@dataclass(frozen=True)
class Realisation:
    indicateur: str
    unite: str
    cible: Decimal
    realise: Decimal | None  # None : l'indicateur ne se déduit pas des données des participants
    projection: Decimal | None

    @property
    def part(self) -> Decimal | None:
        return (self.realise / self.cible).quantize(Decimal("0.001")) if self.realise is not None and self.cible else None

    @property
    def alerte(self) -> bool:
        return self.projection is not None and self.cible > 0 and self.projection < self.cible * SEUIL_ALERTE


def population(operation: Operation, *, au: date | None = None):
    """Les participants qui comptent pour l'opération ; pour les clauses, ceux qui ont des heures jusqu'à `au`."""
    if operation.type.code == PORTAGE:
        return Participant.objects.entres().filter(structure_referent_id=operation.porteur_id)
    if operation.type.code == CLAUSES:
        fin = min(au or operation.date_fin, operation.date_fin)
        # Les heures du PLIE de l'opération (celui de son porteur).
        salaries = heures_de_la_periode(operation.date_debut, fin, [operation.plie_id]).filter(
            participant__isnull=False)
        return Participant.objects.entres().filter(pk__in=salaries.values("participant_id"))
    return Participant.objects.entres().filter(pk__in=Etape.objects.filter(operation=operation).values("participant_id"))


def etapes_de(operation: Operation, debut: date, fin: date):
    """Les étapes de la période qui comptent pour l'opération (celles des suivis du porteur, pour un portage)."""
    etapes = Etape.objects.filter(date_debut__range=(debut, fin))
    if operation.type.code == PORTAGE:
        return etapes.filter(participant__structure_referent_id=operation.porteur_id)
    return etapes.filter(operation=operation)


def _valeurs(operation: Operation, debut: date, fin: date) -> dict:
    sortie = Q(date_sortie__range=(debut, fin))
    # Un parcours de la population pour tous ses comptes (une population de clauses se lit dans les heures : une
    # fois, pas une fois par compte).
    comptes = population(operation, au=fin).aggregate(
        # La file active est un stock : ceux qui sont encore en parcours à la date de calcul (le rapport 2016 : 799).
        file_active=Count("pk", filter=Q(date_entree__lte=fin) & (Q(date_sortie__isnull=True) | Q(date_sortie__gt=fin))),
        accompagnes=Count("pk", filter=Q(date_entree__lte=fin) & (Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut))),
        entrees=Count("pk", filter=Q(date_entree__range=(debut, fin))),
        sorties=Count("pk", filter=sortie), positives=Count("pk", filter=sortie & ~Q(motif_sortie__categorie="")))
    etapes = etapes_de(operation, debut, fin)
    presence = heures_presentes(operation, debut, fin)
    # Une action qui tient ses séances prouve ses heures par l'émargement : elles remplacent les heures déclarées
    # sur les étapes « action du PLIE » (les mêmes heures, non attestées) ; les formations extérieures s'y ajoutent.
    formations = ["FORMATION_QUALIFIANTE", "FORMATION_PRE_QUALIFIANTE"] + ([] if presence is not None else ["ACTION_PLIE"])
    heures = etapes.aggregate(
        etapes=Count("pk"), emploi=Count("pk", filter=Q(type__vers_emploi=True)),
        insertion=Sum("heures", filter=Q(type__code="CLAUSE_INSERTION")),
        formation=Sum("heures", filter=Q(type__code__in=formations)))
    return {
        "FILE_ACTIVE": comptes["file_active"],
        "ACCOMPAGNES": comptes["accompagnes"],
        "ENTREES": comptes["entrees"],
        "SORTIES_POSITIVES": comptes["positives"],
        "TAUX_SORTIES_POSITIVES": (Decimal(100 * comptes["positives"]) / comptes["sorties"]).quantize(Decimal("0.1"))
        if comptes["sorties"] else Decimal(0),
        "MISES_A_L_EMPLOI": heures["emploi"],
        "ETAPES": heures["etapes"],
        # Les heures du PLIE de l'opération, jamais celles des autres PLIE de l'installation.
        "HEURES_INSERTION": (heures_de_la_periode(debut, fin, [operation.plie_id]).aggregate(h=Sum("heures"))["h"]
                             if operation.type.code == CLAUSES else heures["insertion"]) or Decimal(0),
        "HEURES_FORMATION": (heures["formation"] or Decimal(0)) + (presence or Decimal(0)),
    }


def heures_presentes(operation: Operation, debut: date, fin: date) -> Decimal | None:
    """Les heures de présence émargées aux séances de la période, ou None si l'opération n'en a planifié aucune."""
    if not Seance.objects.filter(operation=operation, date__range=(debut, fin)).exists():
        return None
    total = Presence.objects.filter(seance__operation=operation, seance__date__range=(debut, fin),
                                    statut=StatutPresence.PRESENT).aggregate(total=Sum("seance__heures"))["total"]
    return total or Decimal(0)


# Les indicateurs qui cumulent dans le temps se projettent au rythme constaté ; un taux ou une file active non.
CUMULATIFS = {"ENTREES", "SORTIES_POSITIVES", "MISES_A_L_EMPLOI", "ETAPES", "HEURES_INSERTION", "HEURES_FORMATION"}


def realisation(operation: Operation, *, au: date | None = None) -> list[Realisation]:
    """Chaque objectif de l'opération, sa valeur réalisée, sa part de la cible, sa projection en fin de période."""
    au = au or timezone.localdate()
    debut, fin_prevue = operation.date_debut, operation.date_fin
    fin = min(fin_prevue, au)
    objectifs = list(operation.objectifs.select_related("indicateur"))
    if not objectifs or au < debut:
        return [Realisation(o.indicateur.libelle, o.indicateur.unite, o.valeur_cible, None, None) for o in objectifs]
    valeurs = _valeurs(operation, debut, fin)
    ecoules, total = (fin - debut).days + 1, (fin_prevue - debut).days + 1
    resultat = []
    for objectif in objectifs:
        code = objectif.indicateur.code
        realise = Decimal(valeurs[code]) if code in valeurs else None
        if realise is None:
            projection = None
        elif code in CUMULATIFS and ecoules < total:
            projection = (realise * total / ecoules).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        elif code == "ACCOMPAGNES" and ecoules < total:
            # Ceux déjà là au début, plus les entrées au rythme constaté.
            entrees = Decimal(valeurs["ENTREES"])
            projection = (realise - entrees + entrees * total / ecoules).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        else:
            projection = realise
        resultat.append(Realisation(objectif.indicateur.libelle, objectif.indicateur.unite, objectif.valeur_cible,
                                    realise, projection))
    return resultat


def encart_de_la_fiche(operation: Operation, user) -> dict | None:
    """L'encart « Réalisation » de la fiche d'une opération en cours ou achevée (des nombres, aucune donnée nominative)."""
    if operation.etat not in ETATS_REALISES or not operation.date_debut:
        return None
    au = min(timezone.localdate(), operation.date_fin)
    return {"gabarit": "participants/_realisation.html", "au": au, "portage": operation.type.code == PORTAGE,
            "lignes": realisation(operation, au=au)}

