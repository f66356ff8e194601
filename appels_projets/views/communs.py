"""Ce que partagent les pages des appels et des réponses : périmètre (404), téléchargements, boutons, erreurs."""
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from annuaire.roles import a_role
from operations.views.edition import resume_erreurs

from ..models import AppelAProjets, Reponse


def appel_visible(request, pk) -> AppelAProjets:
    """Un appel hors du périmètre (un brouillon pour un porteur) répond 404 : on ne révèle pas qu'il existe."""
    return get_object_or_404(AppelAProjets.objects.visible_to(request.user), pk=pk)


def reponse_visible(request, pk) -> Reponse:
    """La réponse d'un autre porteur répond 404, comme son opération."""
    return get_object_or_404(
        Reponse.objects.visible_to(request.user).select_related("appel", "operation__porteur", "operation__type"), pk=pk
    )


def exiger_role(request, *roles: str, message: str):
    if not a_role(request.user, *roles):
        raise PermissionDenied(message)


def resume_erreurs_de(formulaire, formsets=()) -> list[dict]:
    """Le récapitulatif en tête de page : chaque erreur, le champ qu'elle concerne et un lien vers lui.

    Un groupe de cases (types, notes) a pour ancre son `<fieldset>` ; une erreur d'ensemble d'un tableau (les poids
    de la grille), le tableau. Les lignes des tableaux sont décrites comme sur la saisie d'une opération.
    """
    erreurs = []
    for nom, liste in formulaire.errors.items():
        champ = formulaire[nom] if nom in formulaire.fields else None
        libelle = champ.label if champ else "Formulaire"
        ancre = (champ.id_for_label or champ.auto_id) if champ else ""
        erreurs += [{"libelle": libelle, "message": m, "ancre": ancre} for m in liste]
    tableaux = {f.libelle: f.prefix for f in formsets}
    for erreur in resume_erreurs(SimpleNamespace(errors={}), formsets):
        erreur["ancre"] = erreur["ancre"] or tableaux.get(erreur["libelle"], "")
        erreurs.append(erreur)
    return erreurs
