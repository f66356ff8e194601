"""Les PLIE d'un utilisateur : ce que chaque fonction de portée (`visible_to`) croise avec ses propres règles.

Un compte appartient à un PLIE. Celui d'un organisme intermédiaire pivot travaille pour tous les PLIE du pivot :
par défaut sur tous à la fois (listes, rapports et exports consolidés), ou sur un seul choisi dans le sélecteur
(`choisir`, gardé en session et relu par `annuaire.middleware.PlieChoisi`). Le superutilisateur sans PLIE
administre l'installation entière.
"""
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Plie, plies_accessibles, plies_de  # noqa: F401 (la portée est définie avec les modèles)

SESSION = "plie_choisi"
CHOISIR_UN_PLIE = "Choisissez d'abord un PLIE dans le sélecteur en haut de page."  # une création en vue consolidée


def plie_courant(user) -> Plie | None:
    """Le PLIE où ranger ce que l'utilisateur crée : le sien, ou celui choisi ; aucun en vue consolidée."""
    ids = plies_de(user)
    return Plie.objects.get(pk=ids[0]) if len(ids) == 1 else None


def choisir(request, plie_id: int | None) -> bool:
    """Le sélecteur de PLIE : `None` revient à la vue consolidée. Refuse un PLIE hors de portée."""
    if plie_id is not None and plie_id not in plies_accessibles(request.user):
        return False
    if plie_id is None:
        request.session.pop(SESSION, None)
    else:
        request.session[SESSION] = plie_id
    request.user.plie_choisi_id = plie_id
    return True


def comptes_du_plie(plie_id: int):
    """Les comptes qui travaillent pour ce PLIE : les siens et ceux de son organisme pivot (destinataires des avis)."""
    pivot_id = Plie.objects.filter(pk=plie_id).values_list("pivot_id", flat=True).first()
    filtre = Q(plie_id=plie_id)
    if pivot_id:
        filtre |= Q(pivot_id=pivot_id)
    return get_user_model().objects.filter(filtre)


def chemin_plie(modele) -> str | None:
    """Le chemin de requête d'un modèle jusqu'à son PLIE : son champ `plie`, ou `CHEMIN_PLIE` déclaré sur le modèle
    (« operation__plie » pour une pièce rattachée à une opération). `tests/test_plies.py` exige l'un ou l'autre de
    tout modèle qui n'est pas un référentiel commun à l'installation."""
    if any(f.name == "plie" for f in modele._meta.get_fields()):
        return "plie"
    return getattr(modele, "CHEMIN_PLIE", None)


def des_plie(queryset, plies):
    """Les lignes des PLIE `plies` (une liste de clés), par le chemin du modèle jusqu'à son PLIE (`chemin_plie`) ;
    None : celles de toute l'installation (bancs, démonstration d'un seul PLIE)."""
    return queryset if plies is None else queryset.filter(**{f"{chemin_plie(queryset.model)}__in": plies})


def plusieurs_plie() -> bool:
    """Une installation d'un seul PLIE n'affiche ni sélecteur ni colonne « PLIE »."""
    return Plie.objects.count() > 1
