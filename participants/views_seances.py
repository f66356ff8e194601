"""Les pages des séances d'une action : les planifier, puis noter la présence de chacun en une grille et déposer la
feuille d'émargement signée (scan). Qui voit l'opération voit ses séances ; son porteur et l'animation les tiennent."""
from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from operations.models import Operation
from operations.views.fichiers import telecharger
from operations.workflow import ActionRefusee

from .models import Participant
from .options import StatutPresence
from .seances import ETATS_OU_L_ON_EMARGE, feuille_signee_deposer, inscriptibles, presences_enregistrer, seance_planifier


class SeanceForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    demi_journee = forms.ChoiceField(label="Demi-journée", choices=[("matin", "Matin"), ("apres_midi", "Après-midi")])
    heures = forms.DecimalField(label="Heures", min_value=0.5, max_value=6, decimal_places=2)
    lieu = forms.CharField(label="Lieu", max_length=200)
    formateur = forms.CharField(label="Formateur ou formatrice", max_length=150)
    inscrits = forms.ModelMultipleChoiceField(label="Participants inscrits", queryset=Participant.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, operation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inscrits"].queryset = inscriptibles(operation).order_by("nom", "prenom")


def _operation(request, code) -> Operation:
    return get_object_or_404(Operation.objects.visible_to(request.user).select_related("porteur", "type"), code=code)


def seances(request, code):
    operation = _operation(request, code)
    formulaire = SeanceForm(request.POST or None, operation=operation)
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            donnees = formulaire.cleaned_data
            try:
                seance = seance_planifier(operation=operation, user=request.user, inscrits=list(donnees.pop("inscrits")),
                                          **donnees)
            except ActionRefusee as refus:
                erreurs = [{"libelle": "Séance", "message": str(refus), "ancre": ""}]
            else:
                messages.success(request, f"Séance du {seance.date:%d/%m/%Y} planifiée.")
                return redirect("participants:seances", code=code)
        else:
            erreurs = [{"libelle": formulaire.fields[c].label, "message": m, "ancre": f"id_{c}"}
                       for c, liste_erreurs in formulaire.errors.items() for m in liste_erreurs]
    liste = operation.seances.prefetch_related("inscrits").annotate(
        presents=Count("presences", filter=Q(presences__statut=StatutPresence.PRESENT)))
    return render(request, "participants/seances.html", {
        "operation": operation, "formulaire": formulaire, "erreurs": erreurs, "seances": liste,
        "peut_planifier": operation.etat in ETATS_OU_L_ON_EMARGE,
    })


def grille(request, code, pk):
    operation = _operation(request, code)
    seance = get_object_or_404(operation.seances.prefetch_related("inscrits"), pk=pk)
    erreurs = []
    if request.method == "POST":
        statuts = {p.pk: request.POST.get(f"presence-{p.pk}", "") for p in seance.inscrits.all()}
        manquants = [f"{p.prenom} {p.nom}" for p in seance.inscrits.all() if not statuts[p.pk]]
        if manquants:
            erreurs = [f"Présence non renseignée pour : {', '.join(manquants)}."]
        else:
            try:
                presences_enregistrer(seance=seance, user=request.user, statuts=statuts)
            except ActionRefusee as refus:
                erreurs = [str(refus)]
            else:
                messages.success(request, "Présences enregistrées.")
                return redirect("participants:seances", code=code)
    actuels = dict(seance.presences.values_list("participant_id", "statut"))
    lignes = [(p, actuels.get(p.pk, "")) for p in seance.inscrits.order_by("nom", "prenom")]
    return render(request, "participants/grille.html", {"operation": operation, "seance": seance, "lignes": lignes,
                                                        "statuts": StatutPresence.choices, "erreurs": erreurs})


@require_POST
def deposer_feuille(request, code, pk):
    operation = _operation(request, code)
    seance = get_object_or_404(operation.seances, pk=pk)
    fichier = request.FILES.get("feuille")
    try:
        if fichier is None:
            raise ActionRefusee("Feuille signée : choisissez le fichier scanné (PDF ou image).")
        feuille_signee_deposer(seance=seance, fichier=fichier, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, "Feuille d'émargement signée déposée.")
    return redirect("participants:seances", code=code)


def feuille(request, code, pk):
    operation = _operation(request, code)
    seance = get_object_or_404(operation.seances, pk=pk)
    if not seance.feuille_signee:
        raise Http404("Aucune feuille signée n'est déposée pour cette séance.")
    nom = seance.feuille_signee.name.rsplit("/", 1)[-1]
    return telecharger(seance.feuille_signee, nom)
