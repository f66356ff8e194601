"""Les destinataires de la lettre mensuelle : la liste, l'ajout, la modification, la désactivation, les comptes."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from operations.views.erreurs import resume_erreurs
from operations.workflow import ActionRefusee

from .forms import ComptesForm, DestinataireForm
from .models import Destinataire
from .selectors import comptes_proposables, destinataires_liste, nombre_de_destinataires
from .services import (destinataire_desactiver, destinataire_enregistrer, destinataires_depuis_comptes,
                       peut_gerer_la_lettre)


def _exiger_l_animation(request):
    """Rend le PLIE dont l'utilisateur gère les destinataires : chaque PLIE a les siens."""
    if not peut_gerer_la_lettre(request.user):
        raise PermissionDenied("Les destinataires de la lettre sont gérés par l'équipe d'animation.")
    plie = plie_courant(request.user)
    if plie is None:
        raise PermissionDenied(CHOISIR_UN_PLIE)
    return plie


def destinataires(request):
    plie = _exiger_l_animation(request)
    return render(request, "pilotage/destinataires.html", {
        "destinataires": destinataires_liste(plie.pk), "actifs": nombre_de_destinataires(plie.pk),
        "proposables": len(comptes_proposables(plie.pk))})


def destinataire(request, pk: int | None = None):
    """Ajout (sans `pk`) ou modification d'un destinataire."""
    plie = _exiger_l_animation(request)
    instance = get_object_or_404(Destinataire, pk=pk, plie=plie) if pk else Destinataire(plie=plie)
    formulaire = DestinataireForm(request.POST or None, instance=instance)
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            try:
                destinataire_enregistrer(destinataire=formulaire.instance, user=request.user)
            except ValidationError as erreur:
                formulaire.add_error(None, erreur)
            else:
                messages.success(request, f"Destinataire « {formulaire.instance.nom} » enregistré.")
                return redirect("pilotage:destinataires")
        erreurs = resume_erreurs(formulaire, [])
    return render(request, "pilotage/destinataire.html", {"formulaire": formulaire, "destinataire": instance,
                                                          "erreurs": erreurs})


@require_POST
def desactiver(request, pk: int):
    plie = _exiger_l_animation(request)
    destinataire = get_object_or_404(Destinataire, pk=pk, plie=plie)
    destinataire_desactiver(destinataire=destinataire, user=request.user)
    messages.success(request, f"« {destinataire.nom} » ne recevra plus la lettre.")
    return redirect("pilotage:destinataires")


def depuis_comptes(request):
    """Proposer les porteurs et référents qui ont un compte (et une adresse) et ne reçoivent pas encore la lettre."""
    plie = _exiger_l_animation(request)
    formulaire = ComptesForm(request.POST or None, proposables=comptes_proposables(plie.pk))
    if request.method == "POST" and formulaire.is_valid():
        try:
            ajoutes = destinataires_depuis_comptes(comptes=formulaire.comptes_choisis(), user=request.user)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, f"{len(ajoutes)} destinataire(s) ajouté(s).")
        return redirect("pilotage:destinataires")
    return render(request, "pilotage/depuis_comptes.html", {
        "formulaire": formulaire, "erreurs": resume_erreurs(formulaire, []) if formulaire.is_bound else []})
