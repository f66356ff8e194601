"""Les lectures des données des clauses d'insertion : qui les voit, et le tableau croisé des heures.

Périmètre (`clauses_visibles`) : les équipes du PLIE (animation, gestionnaire, administrateur) et le comité, en
lecture ; et la structure qui porte une opération d'accompagnement des clauses d'insertion en cours ou achevée (son
service tient l'outil dont viennent ces données, ses chargés d'accompagnement placent les salariés). Les autres
porteurs et leurs référents ne les voient pas : les heures d'un salarié ne les regardent pas ; ils retrouvent les
heures de leurs propres participants sur la fiche de chacun (`heures_du_participant`). La fiche d'un participant, elle, reste réservée à son
périmètre (`Participant.objects.visible_to`) : le lien n'apparaît que pour qui peut l'ouvrir.
"""
from datetime import date

from django.db.models import Count, F, Max, Min, Sum
from django.urls import reverse

from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.models import Operation

from .models import Participant
from .models_clauses import HeuresClause, OrientationClause
from .options import ContratClause, Secteur

ROLES_DU_PLIE = {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR, Role.COMITE}
# Regroupements du tableau croisé : clé -> (libellé, champ)
REGROUPEMENTS = {"salarie": ("Salarié", "salarie"), "employeur": ("Entreprise", "employeur"),
                 "marche": ("Marché", "marche"), "secteur": ("Secteur", "secteur"), "contrat": ("Contrat", "contrat")}
LIBELLES = {"secteur": dict(Secteur.choices), "contrat": dict(ContratClause.choices)}


def porte_les_clauses(user) -> bool:
    """L'utilisateur est d'une structure qui porte une opération de clauses d'insertion en cours ou achevée."""
    from .realisation import CLAUSES, ETATS_REALISES

    return bool(roles_de(user) & ROLES_DE_STRUCTURE and user.structure_id and Operation.objects.filter(
        porteur_id=user.structure_id, type__code=CLAUSES, etat__in=ETATS_REALISES).exists())


def voit_les_clauses(user) -> bool:
    return bool(roles_de(user) & ROLES_DU_PLIE) or porte_les_clauses(user)


def liens_de_la_fiche(operation: Operation, user) -> list[tuple[str, str]]:
    """Sur la fiche de l'opération de clauses d'insertion : les heures du service clauses (le porteur de l'opération,
    qui n'a pas ce lien dans son menu, y arrive par là)."""
    from .realisation import CLAUSES

    if operation.type_id and operation.type.code == CLAUSES and voit_les_clauses(user):
        return [("Heures des clauses d'insertion", reverse("participants:clauses"))]
    return []


def heures_visibles(user):
    return HeuresClause.objects.filter(plie__in=plies_de(user)) if voit_les_clauses(user) else HeuresClause.objects.none()


def orientations_visibles(user):
    return (OrientationClause.objects.filter(plie__in=plies_de(user)) if voit_les_clauses(user)
            else OrientationClause.objects.none())


def mois_entre(debut: date, fin: date) -> list[date]:
    mois, courant = [], date(debut.year, debut.month, 1)
    while courant <= fin:
        mois.append(courant)
        courant = date(courant.year + courant.month // 12, courant.month % 12 + 1, 1)
    return mois


def groupes(lignes, par: str):
    """Une ligne par groupe (salarié, entreprise, marché, secteur ou contrat) : total d'heures, salariés, et pour un
    salarié son participant du PLIE ; à trier puis paginer."""
    champ = REGROUPEMENTS[par][1]
    extra = {"participant": Max("participant_id")} if par == "salarie" else {"salaries": Count("salarie", distinct=True)}
    return lignes.values(cle=F(champ)).annotate(total=Sum("heures"), **extra)


def croiser(lignes, par: str, page, mois: list[date], user) -> list[dict]:
    """Les heures de chaque groupe de la page, mois par mois (les seuls groupes de la page sont lus)."""
    champ = REGROUPEMENTS[par][1]
    cles = [g["cle"] for g in page]
    cellules = {(c, m): h for c, m, h in lignes.filter(**{f"{champ}__in": cles}).values_list(champ, "mois")
                .annotate(h=Sum("heures")).order_by()}
    visibles = set()
    if par == "salarie":
        ids = {g["participant"] for g in page if g["participant"]}
        visibles = dict(Participant.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "identifiant"))
    libelles = LIBELLES.get(par, {})
    return [{**g, "libelle": libelles.get(g["cle"], g["cle"]), "mois": [cellules.get((g["cle"], m)) for m in mois],
             "fiche": g.get("participant") if g.get("participant") in visibles else None,
             "identifiant": visibles.get(g.get("participant")) if visibles else None} for g in page]


def derniere_annee(lignes) -> int:
    dernier = lignes.aggregate(m=Max("mois"))["m"]
    return dernier.year if dernier else date.today().year - 1


def heures_du_participant(participant) -> list[dict]:
    """Ses heures de clauses d'insertion sur sa fiche (qui voit la fiche voit ses heures) : par employeur, marché et
    contrat, du premier au dernier mois, avec le total."""
    lignes = (participant.heures_clauses.values("employeur", "marche", "secteur", "contrat")
              .annotate(premier=Min("mois"), dernier=Max("mois"), total=Sum("heures")).order_by("premier", "marche"))
    return [{**h, **{c: LIBELLES[c][h[c]] for c in ("secteur", "contrat")}} for h in lignes]
