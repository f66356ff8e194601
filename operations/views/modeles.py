"""Les modèles Word : leurs variables documentées, leurs versions, le dépôt d'une nouvelle version (administrateur)."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from annuaire.plies import plie_courant, plusieurs_plie
from annuaire.roles import Role, a_role

from ..documents import MODELES, VARIABLES_COMMUNES, version_active
from ..models import ModeleDocument
from ..modeles_documents import ActionRefusee, modele_televerser
from .erreurs import resume_erreurs
from .fichiers import telecharger


class DepotModeleForm(forms.Form):
    fichier = forms.FileField(
        label="Nouvelle version (.docx)",
        help_text="Le modèle modifié dans Word, enregistré au format .docx (10 Mo au plus).",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx", "aria-describedby": "aide-fichier"}),
    )
    commentaire = forms.CharField(
        label="Ce qui change", help_text="Gardé dans l'historique des versions : pourquoi ce nouveau modèle.",
        widget=forms.Textarea(attrs={"rows": 2, "aria-describedby": "aide-commentaire"}),
    )


def _administrateur(request):
    if not a_role(request.user, Role.ADMINISTRATEUR):
        raise PermissionDenied("Les modèles de documents sont gérés par les administrateurs.")


def _plie_des_modeles(request):
    """Les modèles que l'administrateur gère : ceux du PLIE où il travaille, les communs dans une installation d'un
    seul PLIE ou en vue consolidée."""
    return plie_courant(request.user) if plusieurs_plie() else None


def _modele(nature):
    if nature not in MODELES:
        raise Http404("Aucun modèle de ce nom.")
    return MODELES[nature]


def liste(request):
    _administrateur(request)
    plie = _plie_des_modeles(request)
    lignes = [{"nature": nature, "modele": modele, "active": version_active(nature, plie)}
              for nature, modele in sorted(MODELES.items(), key=lambda m: m[1].titre)]
    return render(request, "operations/modeles.html", {"lignes": lignes})


def modele(request, nature):
    _administrateur(request)
    modele = _modele(nature)
    plie = _plie_des_modeles(request)
    formulaire = DepotModeleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        try:
            version = modele_televerser(nature=nature, fichier=formulaire.cleaned_data["fichier"],
                                        commentaire=formulaire.cleaned_data["commentaire"], user=request.user,
                                        plie=plie)
        except ActionRefusee as refus:
            formulaire.add_error("fichier", str(refus))  # montré au champ et dans le récapitulatif
        else:
            messages.success(request, f"La version {version.version} du modèle « {modele.titre} » servira aux prochaines générations.")
            return redirect("operations:modele", nature=nature)
    erreurs = resume_erreurs(formulaire, [])
    variables = [(v, d, v in VARIABLES_COMMUNES) for v, d in modele.variables.items()]
    return render(request, "operations/modele.html", {
        "nature": nature, "modele": modele, "variables": variables, "formulaire": formulaire, "erreurs": erreurs,
        "plie": plie,
        "versions": ModeleDocument.objects.filter(nature=nature, plie=plie).select_related("televerse_par"),
    })


def version(request, nature, numero):
    """Télécharge une version déposée, ou (numéro 0) le modèle livré avec l'application."""
    _administrateur(request)
    modele = _modele(nature)
    if numero == 0:
        return telecharger(modele.chemin, modele.fichier)
    depot = get_object_or_404(ModeleDocument, nature=nature, version=numero, plie=_plie_des_modeles(request))
    return telecharger(depot.fichier, f"{nature}-v{numero}.docx")
