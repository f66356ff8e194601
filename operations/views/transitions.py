"""La seule vue qui tire une transition, pour toutes les machines à états, et l'adresse de chaque bouton.

Chaque app la déclare pour sa machine : comment trouver l'objet que l'utilisateur a le droit de voir (404 sinon),
quel service tire la transition (droits, conditions, motivation, historique, dans une transaction), et quoi dire
après. Une motivation trop longue ou mal formée est refusée avant tout, en nommant le champ ; rien n'est écrit.
"""
from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms import TransitionForm
from ..workflow import ActionRefusee, etat_affiche


def avec_adresses(transitions, nom_url: str, *args, nom_dans_l_adresse: bool = True):
    """Chaque bouton de transition reçoit l'adresse où il poste, pour le gabarit commun `_transitions.html`."""
    for t in transitions:
        t.adresse = reverse(nom_url, args=[*args, t.nom] if nom_dans_l_adresse else list(args))
    return transitions


def vue_de_transition(*, trouver: Callable, tirer: Callable, apres: Callable[[object], str] | None = None):
    """La vue POST `<adresse de l'objet>/transition/<nom>/` d'une machine à états.

    `trouver(request, **arguments_de_l_adresse)` rend l'objet visible ; `tirer(objet, nom=, user=, motivation=)`
    appelle le service de l'app ; `apres(objet)` le message de réussite (par défaut : son nouvel état).
    """

    @require_POST
    def transition(request, nom, **arguments):
        objet = trouver(request, **arguments)
        formulaire = TransitionForm(request.POST)
        if not formulaire.is_valid():
            messages.error(request, " ".join(f"{formulaire.fields[champ].label} : {' '.join(erreurs)}"
                                             for champ, erreurs in formulaire.errors.items()))
            return redirect(objet)
        try:
            tirer(objet, nom=nom, user=request.user, motivation=formulaire.cleaned_data["motivation"])
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, apres(objet) if apres else f"Nouvel état : « {etat_affiche(objet)} ».")
        return redirect(objet)

    return transition
