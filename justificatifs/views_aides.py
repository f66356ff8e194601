"""Les pages des aides de l'enveloppe souple : la liste, la demande (référent), la page d'une aide avec ses décisions
et son paiement (équipe d'animation). Minces : chaque écriture passe par `services_aides`."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from annuaire.plies import plies_de
from annuaire.tri import Colonne, Tri, rang_dans
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses, vue_de_transition
from operations.workflow import ActionRefusee, historique, transitions_offertes
from participants.models import Participant
from participants.options import StatutEntree

from . import selectors_aides, services_aides
from .aides import TRANSITIONS_A_FORMULAIRE, Aide, peut_demander
from .options import EtatAide, MotifAide, NatureAide

COLONNES = [
    Colonne("numero", "N°", ("pk",), classe="nombre"),
    Colonne("participant", "Participant", ("participant__nom", "participant__prenom")),
    Colonne("demandee_le", "Demandée le", ("demandee_le",)),
    Colonne("motif", "Motif", ("motif",)),
    Colonne("nature", "Nature", ("nature",)),
    Colonne("montant", "Montant demandé", ("montant_demande",), classe="nombre"),
    Colonne("etat", "État", ("rang_etat",)),
    Colonne("reste", "Reste de l'enveloppe", (), classe="nombre"),
]


class DemandeForm(forms.Form):
    participant = forms.ModelChoiceField(label="Participant", queryset=Participant.objects.none())
    motif = forms.ChoiceField(label="Motif", choices=MotifAide.choices, widget=forms.RadioSelect)
    nature = forms.ChoiceField(label="Nature de l'aide", choices=[("", "— choisir —"), *NatureAide.choices])
    montant_demande = forms.CharField(label="Montant demandé (€)", max_length=20,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
                                      help_text="Au centime près, par exemple 350,00.")
    justification = forms.CharField(label="Justification", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text="En quelques lignes : l'emploi, la formation ou le stage, et pourquoi "
                                              "l'aide est nécessaire.")
    devis = forms.FileField(label="Devis ou facture", required=False,
                            help_text="PDF, image ou document bureautique, 10 Mo au plus.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = (Participant.objects.visible_to(user)
                                               .filter(statut_entree=StatutEntree.ENTRE, date_sortie__isnull=True)
                                               .order_by("nom", "prenom"))


class CompleterForm(DemandeForm):
    motivation = forms.CharField(label="Réponse à l'équipe d'animation", required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["participant"]
        self.fields["devis"].help_text = "Un nouveau devis remplace le précédent ; sinon, le précédent reste."


class AccordForm(forms.Form):
    montant = forms.CharField(label="Montant accordé (€)", max_length=20,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}))
    motivation = forms.CharField(label="Motivation", required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="Obligatoire en pratique si le montant est abaissé : dites pourquoi.")


class PaiementForm(forms.Form):
    le = forms.DateField(label="Date du paiement", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    montant = forms.CharField(label="Montant payé (€)", max_length=20,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}))
    beneficiaire = forms.CharField(label="Bénéficiaire du paiement", max_length=200,
                                   help_text="Qui reçoit le virement : crèche, auto-école, transporteur, participant.")
    facture = forms.FileField(label="Facture acquittée", help_text="PDF ou image, 10 Mo au plus.")


def _erreurs(formulaire, refus: ActionRefusee | None = None, libelle="Demande") -> list[dict]:
    erreurs = [{"libelle": formulaire.fields[c].label if c in formulaire.fields else libelle, "message": " ".join(m),
                "ancre": f"id_{c}" if c in formulaire.fields else ""} for c, m in formulaire.errors.items()]
    if refus is not None:
        erreurs.append({"libelle": libelle, "message": str(refus), "ancre": ""})
    return erreurs


def _aide(request, pk) -> Aide:
    return get_object_or_404(Aide.objects.visible_to(request.user).select_related(
        "participant__structure_referent", "participant__referent", "operation", "demandee_par", "decidee_par",
        "payee_par"), pk=pk)


def liste(request):
    aides = (Aide.objects.visible_to(request.user).select_related("participant", "operation")
             .annotate(rang_etat=rang_dans("etat", EtatAide.values)))
    aides, filtres = selectors_aides.filtrer(aides, request.GET)
    tri = Tri(request, COLONNES, defaut="-demandee_le")
    page = tri.paginer(tri.ordonner(aides), 50)
    enveloppes = selectors_aides.etats_des_enveloppes(a.operation_id for a in page)
    return render(request, "justificatifs/aides.html", {
        "page": page, "lignes": [(a, enveloppes[a.operation_id]) for a in page], "entetes": tri.entetes,
        "requete": tri.requete, "filtres": filtres, "etats": EtatAide.choices, "motifs": MotifAide.choices,
        "natures": NatureAide.choices, "annees": selectors_aides.annees_des_aides(request.user),
        "peut_demander": peut_demander(request.user)})


def demander(request):
    if not peut_demander(request.user):
        raise PermissionDenied("Une aide de l'enveloppe souple se demande par le référent du participant.")
    formulaire = DemandeForm(request.POST or None, request.FILES or None, user=request.user,
                             initial={"participant": request.GET.get("participant")})
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            donnees = formulaire.cleaned_data
            try:
                aide = services_aides.aide_demander(user=request.user, participant=donnees["participant"],
                                                    donnees=donnees, devis=donnees.get("devis"))
            except ActionRefusee as refus:
                erreurs = _erreurs(formulaire, refus)
            else:
                messages.success(request, f"Aide n° {aide.pk} demandée : l'équipe d'animation va l'étudier.")
                return redirect(aide)
        else:
            erreurs = _erreurs(formulaire)
    ouverte = services_aides.enveloppe_de(timezone.localdate(), plies_de(request.user))
    return render(request, "justificatifs/aide_demande.html", {
        "formulaire": formulaire, "erreurs": erreurs,
        "enveloppe": selectors_aides.etat_de_l_enveloppe(ouverte) if ouverte else None})


def _page(request, aide, *, erreurs=(), accord=None, paiement=None, complement=None):
    transitions = transitions_offertes(aide, user=request.user)
    par_nom = {t.nom: t for t in transitions}
    return render(request, "justificatifs/aide.html", {
        "aide": aide, "enveloppe": selectors_aides.etat_de_l_enveloppe(aide.operation), "erreurs": list(erreurs),
        "transitions": avec_adresses([t for t in transitions if t.nom not in TRANSITIONS_A_FORMULAIRE and
                                      t.nom != "completer"], "justificatifs:transition_aide", aide.pk),
        "accorder": par_nom.get("accorder"), "payer": par_nom.get("payer"), "completer": par_nom.get("completer"),
        "formulaire_accord": accord or AccordForm(initial={"montant": f"{aide.montant_demande}".replace(".", ",")}),
        "formulaire_paiement": paiement or PaiementForm(initial={
            "montant": f"{aide.montant_accorde}".replace(".", ",") if aide.montant_accorde else ""}),
        "formulaire_complement": complement or CompleterForm(user=request.user, initial={
            "motif": aide.motif, "nature": aide.nature, "justification": aide.justification,
            "montant_demande": f"{aide.montant_demande}".replace(".", ",")}),
        "historique": historique(aide),
        "ligne_du_bilan": getattr(aide, "depense_au_bilan", None) if aide.etat == EtatAide.PAYEE else None,
    })


def aide(request, pk):
    return _page(request, _aide(request, pk))


@require_POST
def accorder(request, pk):
    aide = _aide(request, pk)
    formulaire = AccordForm(request.POST)
    if formulaire.is_valid():
        try:
            services_aides.aide_accorder(aide=aide, user=request.user, montant=formulaire.cleaned_data["montant"],
                                         motivation=formulaire.cleaned_data["motivation"])
        except ActionRefusee as refus:
            return _page(request, _aide(request, pk), erreurs=_erreurs(formulaire, refus, "Accord"), accord=formulaire)
        messages.success(request, f"Aide accordée. {services_aides.reste_apres(aide)}")
        return redirect(aide)
    return _page(request, aide, erreurs=_erreurs(formulaire, libelle="Accord"), accord=formulaire)


@require_POST
def payer(request, pk):
    aide = _aide(request, pk)
    formulaire = PaiementForm(request.POST, request.FILES)
    if formulaire.is_valid():
        donnees = formulaire.cleaned_data
        try:
            services_aides.aide_payer(aide=aide, user=request.user, montant=donnees["montant"], le=donnees["le"],
                                      beneficiaire=donnees["beneficiaire"], facture=donnees["facture"])
        except ActionRefusee as refus:
            return _page(request, _aide(request, pk), erreurs=_erreurs(formulaire, refus, "Paiement"), paiement=formulaire)
        messages.success(request, "Paiement enregistré : l'aide est une dépense de l'enveloppe, reprise à son bilan.")
        return redirect(aide)
    return _page(request, aide, erreurs=_erreurs(formulaire, libelle="Paiement"), paiement=formulaire)


@require_POST
def completer(request, pk):
    aide = _aide(request, pk)
    formulaire = CompleterForm(request.POST, request.FILES, user=request.user)
    if formulaire.is_valid():
        try:
            services_aides.aide_completer(aide=aide, user=request.user, donnees=formulaire.cleaned_data,
                                          devis=formulaire.cleaned_data.get("devis"))
        except ActionRefusee as refus:
            return _page(request, _aide(request, pk), erreurs=_erreurs(formulaire, refus, "Complément"),
                         complement=formulaire)
        messages.success(request, "Demande complétée et renvoyée à l'équipe d'animation.")
        return redirect(aide)
    return _page(request, aide, erreurs=_erreurs(formulaire, libelle="Complément"), complement=formulaire)


transition = vue_de_transition(
    trouver=lambda request, pk: _aide(request, pk),
    tirer=lambda aide, **action: services_aides.aide_transition(aide=aide, **action),
    apres=lambda aide: f"Aide n° {aide.pk} : « {aide.get_etat_display()} ».",
)


def devis(request, pk):
    aide = _aide(request, pk)
    if not aide.devis:
        raise PermissionDenied("Aucun devis n'est joint à cette aide.")
    return telecharger(aide.devis, aide.devis_nom, aide.devis_type)


def facture(request, pk):
    aide = _aide(request, pk)
    if not aide.facture:
        raise PermissionDenied("Aucune facture n'est jointe à cette aide.")
    return telecharger(aide.facture, aide.facture_nom, aide.facture_type)
