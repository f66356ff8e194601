"""Les pages des séances d'une action : les planifier, puis noter la présence de chacun en une grille et déposer la
feuille d'émargement signée (scan). Qui voit l'opération voit ses séances ; son porteur et l'animation les tiennent."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.roles import Role, roles_de
from operations.models import Operation
from operations.pdf import ConversionImpossible, convertir_en_pdf, libreoffice
from operations.views.fichiers import telecharger
from operations.workflow import ActionRefusee

from .models import Participant
from .options import StatutPresence
from .emargement import DECOUPAGES, PAR_SEANCE, AucuneSeance, Periode, emargement_docx, nom_du_fichier
from .lots import emargements_lancer
from .seances import (
    ETATS_OU_L_ON_EMARGE, exiger_porteur_ou_animation, feuille_signee_deposer, inscriptibles,
    presences_enregistrer, seance_planifier,
)


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


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FeuillesForm(forms.Form):
    du = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    par = forms.ChoiceField(label="Découpage", choices=DECOUPAGES, initial=PAR_SEANCE, widget=forms.RadioSelect)

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["au"] < donnees["du"]:
            self.add_error("au", "La fin de la période précède son début.")
        return donnees


class FeuillesDePlusieursForm(FeuillesForm):
    actions = forms.ModelMultipleChoiceField(label="Actions", queryset=Operation.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions_emargeables(user)


def actions_emargeables(user):
    """Les actions dont l'utilisateur tient les séances : celles de sa structure, ou toutes pour l'animation."""
    visibles = Operation.objects.visible_to(user).filter(seances__isnull=False).distinct().order_by("code")
    if Role.ANIMATION in roles_de(user):
        return visibles
    return visibles.filter(porteur_id=user.structure_id) if user.structure_id else visibles.none()


def _erreurs_du(formulaire) -> list[dict]:
    return [{"libelle": formulaire.fields[c].label if c in formulaire.fields else "Période", "message": m,
             "ancre": f"id_{c}" if c in formulaire.fields else ""}
            for c, liste in formulaire.errors.items() for m in liste]


SEANCES_PAR_PAGE = 25


def _page_de_la_seance(seances, request) -> int:
    """`?seance=<id>` (un lien du bureau) ouvre la page où se trouve cette séance."""
    cible = seances.filter(pk=request.GET.get("seance") or 0).values("date", "demi_journee", "pk").first()
    if cible is None:
        return 1
    avant = seances.filter(Q(date__lt=cible["date"]) | Q(date=cible["date"], demi_journee__lt=cible["demi_journee"])
                           | Q(date=cible["date"], demi_journee=cible["demi_journee"], pk__lt=cible["pk"])).count()
    return avant // SEANCES_PAR_PAGE + 1


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
        presents=Count("presences", filter=Q(presences__statut=StatutPresence.PRESENT))).order_by("date", "demi_journee", "pk")
    page = Paginator(liste, SEANCES_PAR_PAGE).get_page(request.GET.get("page") or _page_de_la_seance(liste, request))
    premiere, derniere = operation.seances.order_by("date").first(), operation.seances.order_by("date").last()
    feuilles = FeuillesForm(initial={"du": premiere.date if premiere else operation.date_debut,
                                     "au": derniere.date if derniere else operation.date_fin}, auto_id="feuilles_%s")
    return render(request, "participants/seances.html", {
        "operation": operation, "formulaire": formulaire, "erreurs": erreurs, "seances": page, "page": page, "feuilles": feuilles,
        "peut_planifier": operation.etat in ETATS_OU_L_ON_EMARGE, "pdf_possible": libreoffice() is not None,
    })


def feuilles(request, code):
    """Les feuilles d'émargement d'une période, à imprimer : Word, ou PDF là où LibreOffice est installé."""
    operation = _operation(request, code)
    try:
        exiger_porteur_ou_animation(operation, request.user)
    except ActionRefusee:
        raise Http404 from None
    formulaire = FeuillesForm(request.GET, auto_id="feuilles_%s")
    if not formulaire.is_valid():
        for erreur in _erreurs_du(formulaire):
            messages.error(request, f"{erreur['libelle']} : {erreur['message']}")
        return redirect("participants:seances", code=code)
    d = formulaire.cleaned_data
    periode = Periode(d["du"], d["au"])
    try:
        contenu, nom, mime = emargement_docx(operation, periode, d["par"]), nom_du_fichier(operation, periode), DOCX
        if request.GET.get("format") == "pdf":
            contenu, nom, mime = convertir_en_pdf(contenu, nom=nom), nom_du_fichier(operation, periode, "pdf"), "application/pdf"
    except (AucuneSeance, ConversionImpossible) as refus:
        messages.error(request, str(refus))
        return redirect("participants:seances", code=code)
    reponse = HttpResponse(contenu, content_type=mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def emargements(request):
    """Les feuilles de plusieurs actions d'un coup : un traitement Celery, une archive ZIP au bout."""
    if not roles_de(request.user) & {Role.ANIMATION, Role.PORTEUR}:
        raise PermissionDenied("Réservé au porteur et à l'équipe d'animation.")
    formulaire = FeuillesDePlusieursForm(request.POST or None, user=request.user)
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            d = formulaire.cleaned_data
            try:
                traitement = emargements_lancer(user=request.user, operations=list(d["actions"]), du=d["du"],
                                                au=d["au"], par=d["par"])
            except ActionRefusee as refus:
                erreurs = [{"libelle": "Actions", "message": str(refus), "ancre": "id_actions_0"}]
            else:
                return redirect(traitement)
        else:
            erreurs = _erreurs_du(formulaire)
    return render(request, "participants/emargements.html", {"formulaire": formulaire, "erreurs": erreurs})


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
