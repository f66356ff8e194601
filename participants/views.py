"""Les pages des participants : liste et fiche dans le périmètre de chacun (consultations tracées), et l'import des
extractions depuis le web : déposer, voir l'aperçu (comptes, erreurs par ligne), confirmer.

Entre l'aperçu et la confirmation, les fichiers (données personnelles) attendent dans le stockage des fichiers (privé,
partagé par tous les serveurs : la confirmation peut arriver sur un autre), sous un jeton gardé dans la session de
celui qui importe ; ils sont effacés à la confirmation ou à l'abandon.
"""
import uuid
from datetime import date
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annuaire.fichiers import TAILLE_MAX
from annuaire.plies import plie_courant, plies_de
from annuaire.roles import Role, a_role, roles_de
from annuaire.tri import Colonne, Tri
from operations.models import Operation
from operations.views.edition import resume_erreurs
from operations.workflow import ActionRefusee, historique

from .forms import OrientationForm
from .seances import operations_ou_inscrire
from .tasks import EN_ATTENTE  # `<jeton>-<rang>-<nom du fichier déposé>`
from .selectors_clauses import heures_du_participant
from .importation import ImportRefuse, analyser, apercu, importer
from .completude import ALERTE, CORRECTION, champs_manquants, completude, completude_par_operation, incomplets, sans_contact
from .criteres import verdicts_du_participant
from .realisation import ETATS_REALISES
from .models import Consultation, Etape, EtatProposition, ImportParticipants, MotifSortie, Participant
from .services import (
    ChampRefuse, etape_ajouter, etape_supprimer, participant_modifier, participant_orienter, peut_suivre, sortie_proposer,
)

CLE_DE_SESSION = "import_participants"


class ImportForm(forms.Form):
    participants = forms.FileField(label="Fichier des participants (CSV ou XLSX)")
    etapes = forms.FileField(label="Fichier des étapes (CSV ou XLSX)", required=False)


def _exiger_animation(request):
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("L'import des participants est réservé à l'équipe d'animation.")


def _en_attente(jeton: str) -> list[str]:
    """Les fichiers en attente sous ce jeton, dans l'ordre du dépôt (chemins dans le stockage des fichiers)."""
    try:
        noms = default_storage.listdir(EN_ATTENTE)[1]
    except FileNotFoundError:  # le dossier n'existe pas encore sur disque
        return []
    return sorted(f"{EN_ATTENTE}/{nom}" for nom in noms if nom.startswith(f"{jeton}-"))


def _fichiers_en_attente(request, cle: str = CLE_DE_SESSION) -> list[tuple[str, bytes]] | None:
    jeton = request.session.get(cle)
    chemins = _en_attente(jeton) if jeton else []
    if not chemins:
        return None
    fichiers = []
    for chemin in chemins:
        with default_storage.open(chemin, "rb") as fichier:
            fichiers.append((chemin.rsplit("/", 1)[1].split("-", 2)[2], fichier.read()))
    return fichiers


def _oublier(request, cle: str = CLE_DE_SESSION):
    jeton = request.session.pop(cle, None)
    if jeton:
        for chemin in _en_attente(jeton):
            default_storage.delete(chemin)


def importer_page(request):
    _exiger_animation(request)
    formulaire = ImportForm(request.POST or None, request.FILES or None)
    contexte = {"formulaire": formulaire, "imports": ImportParticipants.objects.filter(plie__in=plies_de(request.user))
                .select_related("par")[:20]}
    if request.method == "POST" and formulaire.is_valid():
        deposes = [formulaire.cleaned_data["participants"], formulaire.cleaned_data["etapes"]]
        contexte.update(deposer(request, deposes, analyser, apercu, CLE_DE_SESSION))
    return render(request, "participants/import.html", contexte)


def deposer(request, deposes: list, analyser, apercu, cle: str) -> dict:
    """Vérifie les fichiers déposés (taille, puis `analyser`) et les garde en attente de confirmation sous un jeton de
    la session (`cle`) ; rend ce que la page montre : les erreurs, ou l'aperçu. Partagé par les pages d'import."""
    _oublier(request, cle)
    deposes = [f for f in deposes if f]
    trop_gros = [f.name for f in deposes if f.size > TAILLE_MAX * 5]
    if trop_gros:
        return {"erreurs": [f"{nom} : fichier de plus de {TAILLE_MAX * 5 // 2**20} Mo." for nom in trop_gros]}
    fichiers = [(Path(f.name).name, f.read()) for f in deposes]
    try:
        analyse = analyser(*fichiers, plie=plie_courant(request.user))  # rangé dans le PLIE de qui importe
    except ImportRefuse as refus:
        return {"erreurs": [str(e) for e in refus.erreurs]}
    jeton = uuid.uuid4().hex
    for rang, (nom, contenu) in enumerate(fichiers):
        default_storage.save(f"{EN_ATTENTE}/{jeton}-{rang}-{nom}", ContentFile(contenu))
    request.session[cle] = jeton
    return {"apercu": apercu(analyse), "analyse": analyse, "fichiers": [nom for nom, _ in fichiers]}


@require_POST
def confirmer(request):
    _exiger_animation(request)
    return confirmer_en_attente(request, CLE_DE_SESSION, "participants:importer", _ecrire)


def _ecrire(fichiers, user) -> str:
    trace = importer(analyser(*fichiers, plie=plie_courant(user)), user=user)  # revérifié : la base a pu changer
    return (f"Import enregistré : {trace.participants_crees} participant(s) créé(s), "
            f"{trace.participants_modifies} modifié(s), {trace.participants_inchanges} inchangé(s) ; "
            f"{trace.etapes_creees} étape(s) créée(s), {trace.etapes_modifiees} modifiée(s).")


def confirmer_en_attente(request, cle: str, page: str, ecrire):
    """La confirmation d'un import déposé (`deposer`) : abandonné, refusé ou écrit par `ecrire(fichiers, user)` (qui
    rend le compte rendu) ; les fichiers en attente sont effacés dans tous les cas. Partagé par les pages d'import."""
    fichiers = _fichiers_en_attente(request, cle)
    if fichiers is None:
        messages.error(request, "Aucun import en attente de confirmation : déposez à nouveau les fichiers.")
        return redirect(page)
    _oublier(request, cle)
    if "abandonner" in request.POST:
        messages.success(request, "Import abandonné : rien n'a été écrit.")
        return redirect(page)
    try:
        messages.success(request, ecrire(fichiers, request.user))
    except ImportRefuse as refus:
        messages.error(request, "Import refusé, rien n'a été écrit : " + " ; ".join(str(e) for e in refus.erreurs[:5]))
    return redirect(page)


# --- Les participants : liste et fiche, dans le périmètre de chacun ---

# Santé, handicap, RSA : seuls ceux qui accompagnent ou contrôlent les voient.
ROLES_DONNEES_SENSIBLES = {Role.ANIMATION, Role.REFERENT, Role.GESTIONNAIRE}


def tracer_les_lectures(participants, user) -> None:
    """Toute page qui affiche des participants nommément garde qui les a vus, et quand."""
    Consultation.objects.bulk_create([Consultation(participant=p, par=user) for p in participants])


# Ce qu'une app haute ajoute à la fiche d'un participant : des fonctions (participant, user) -> [(libellé, adresse)]
# (les aides de l'enveloppe souple, inscrites par `justificatifs`).
LIENS_DE_LA_FICHE = []


def _participant_de_la_fiche(request, pk) -> Participant:
    return get_object_or_404(Participant.objects.visible_to(request.user).select_related(
        "commune", "qpv", "prescripteur", "referent", "structure_referent", "motif_sortie"), pk=pk)


def fiche(request, pk):
    participant = _participant_de_la_fiche(request, pk)
    return _page_fiche(request, participant, PropositionForm(initial={"date_sortie": date.today()}))


def _page_fiche(request, participant, formulaire_sortie, erreurs=()):
    """La fiche ; après une proposition de sortie à corriger, avec le formulaire saisi et le résumé des erreurs."""
    tracer_les_lectures([participant], request.user)
    en_parcours = participant.date_sortie is None
    motifs = dict(MotifSortie.objects.values_list("code", "libelle"))
    return render(request, "participants/fiche.html", {
        "participant": participant,
        "sensibles": bool(roles_de(request.user) & ROLES_DONNEES_SENSIBLES),
        "etapes": participant.etapes.select_related("type", "operation").order_by("date_debut"),
        "verdicts": [(v, motifs[v.critere.motif]) for v in verdicts_du_participant(participant)] if en_parcours else [],
        "consultations": participant.consultations.select_related("par")[:10] if a_role(request.user, Role.ANIMATION) else [],
        "proposition": participant.propositions_sortie.filter(etat=EtatProposition.PROPOSEE).first(),
        "sortie_validee": None if en_parcours else participant.propositions_sortie.filter(
            etat=EtatProposition.VALIDEE).select_related("motif").last(),
        "formulaire_sortie": formulaire_sortie,
        "erreurs": list(erreurs),
        "formulaire_etape": EtapeForm(prefix="etape", participant=participant),
        "peut_suivre": peut_suivre(participant, request.user),
        "historique": historique(participant),
        "clauses": heures_du_participant(participant),
        "liens": [lien for fournir in LIENS_DE_LA_FICHE for lien in fournir(participant, request.user)],
    })


class PropositionForm(forms.Form):
    motif = forms.ModelChoiceField(label="Motif de sortie", queryset=MotifSortie.objects.all(), empty_label="Choisissez")
    date_sortie = forms.DateField(label="Date de sortie", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    justification = forms.CharField(label="Justification (étapes, pièces)", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    motivation_derogation = forms.CharField(
        label="Motivation de la dérogation", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour une sortie positive dont le critère n'est pas rempli à la date de sortie : "
                  "elle part alors à la commission en dérogation.")


@require_POST
def proposer_sortie(request, pk):
    participant = _participant_de_la_fiche(request, pk)
    formulaire = PropositionForm(request.POST)
    if formulaire.is_valid():
        try:
            sortie_proposer(participant=participant, user=request.user, **formulaire.cleaned_data)
        except ChampRefuse as refus:  # à corriger dans le formulaire, rendu avec la saisie
            formulaire.add_error(refus.champ, refus.raison)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
            return redirect("participants:fiche", pk=pk)
        else:
            messages.success(request, "Sortie proposée : elle sera examinée par la prochaine commission de sortie.")
            return redirect(reverse("participants:fiche", args=[pk]) + "#proposition")
    return _page_fiche(request, participant, formulaire, resume_erreurs(formulaire, []))


# --- Complétude (le rapport d'activité : views_rapport.py ; les commissions : views_commissions.py) ---

COLONNES_A_COMPLETER = [
    Colonne("participant", "Participant", ("nom", "prenom")),
    Colonne("structure", "Structure du référent", ("structure_referent__nom",)),
    Colonne("referent", "Référent", ("referent__last_name", "referent_texte")),
    Colonne("manques", "Manque", ("nb_manques",)),
]


def completude_page(request):
    """Complétude des données FSE, par structure et par référent, et les fiches à compléter (avec leurs manques)."""
    if not roles_de(request.user) & {Role.ANIMATION, Role.GESTIONNAIRE, Role.REFERENT, Role.PORTEUR}:
        raise PermissionDenied("La complétude des données des participants est réservée à ceux qui les suivent.")
    en_parcours = Participant.objects.visible_to(request.user)
    if request.GET.get("tous") != "1":
        en_parcours = en_parcours.filter(date_sortie__isnull=True)
    tri = Tri(request, COLONNES_A_COMPLETER, defaut="participant")
    page = tri.paginer(tri.ordonner(incomplets(en_parcours).select_related("structure_referent", "referent")), 50)
    for participant in page:
        participant.manques = champs_manquants(participant)
    tracer_les_lectures(page, request.user)
    total = en_parcours.count()
    operations = (Operation.objects.visible_to(request.user).filter(etat__in=ETATS_REALISES)
                  .select_related("type", "programme").order_by("code"))
    contacts = [c for c in (sans_contact(operation) for operation in operations) if c["total"]]
    return render(request, "participants/completude.html", {
        "par_operation": completude_par_operation(operations, en_parcours),
        "contacts": contacts, "ALERTE": ALERTE, "CORRECTION": CORRECTION,
        "en_alerte": sum(c["niveau"] == ALERTE for c in contacts),
        "en_correction": sum(c["niveau"] == CORRECTION for c in contacts),
        "par_structure": completude(en_parcours, "structure_referent__nom"),
        "par_referent": completude(en_parcours, "referent_texte"),
        "page": page, "total": total, "tous": request.GET.get("tous") == "1", "tri": tri, "requete": tri.requete,
        "part_incomplets": page.paginator.count / total if total else None,
    })


# --- Orientation (la commission d'entrée : views_commissions.py) ---

def orienter(request):
    if not a_role(request.user, Role.ANIMATION, Role.REFERENT):
        raise PermissionDenied("Seuls les référents et l'équipe d'animation orientent une personne vers le PLIE.")
    formulaire = OrientationForm(request.POST or None, user=request.user)
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            try:
                participant = participant_orienter(user=request.user, **formulaire.cleaned_data)
            except ActionRefusee as refus:
                erreurs = [{"libelle": "Orientation", "message": str(refus), "ancre": ""}]
            else:
                messages.success(request, f"{participant.prenom} {participant.nom} est orienté(e) ({participant.identifiant}) : "
                                          "son entrée sera examinée par la prochaine commission d'entrée.")
                return redirect("participants:fiche", pk=participant.pk)
        else:
            erreurs = [{"libelle": formulaire.fields[c].label if c in formulaire.fields else "Orientation", "message": m,
                        "ancre": f"id_{c}" if c in formulaire.fields else ""}
                       for c, liste_erreurs in formulaire.errors.items() for m in liste_erreurs]
    return render(request, "participants/orienter.html", {"formulaire": formulaire, "erreurs": erreurs})


class EtapeForm(forms.ModelForm):
    class Meta:
        model = Etape
        fields = ["type", "date_debut", "date_fin", "operation", "heures", "employeur", "secteur", "contrat_clause"]
        widgets = {"date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations_ou_inscrire(participant)


def modifier(request, pk):
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    if not peut_suivre(participant, request.user):
        raise PermissionDenied("Seuls le référent du participant et l'équipe d'animation modifient sa fiche.")
    formulaire = OrientationForm(request.POST or None, instance=participant, user=request.user)
    erreurs = []
    if request.method == "POST":
        if formulaire.is_valid():
            champs = {c: formulaire.cleaned_data[c] for c in formulaire.fields}
            try:
                participant_modifier(participant=Participant.objects.get(pk=pk), user=request.user, champs=champs)
            except ActionRefusee as refus:
                erreurs = [{"libelle": "Fiche", "message": str(refus), "ancre": ""}]
            else:
                messages.success(request, "La fiche est enregistrée.")
                return redirect("participants:fiche", pk=pk)
        else:
            erreurs = resume_erreurs(formulaire, [])
    return render(request, "participants/modifier.html", {"formulaire": formulaire, "erreurs": erreurs,
                                                         "participant": participant})


@require_POST
def ajouter_etape(request, pk):
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    formulaire = EtapeForm(request.POST, prefix="etape", participant=participant)
    if not formulaire.is_valid():
        for champ, liste_erreurs in formulaire.errors.items():
            libelle = formulaire.fields[champ].label if champ in formulaire.fields else "Étape"
            messages.error(request, f"Étape, {libelle.lower()} : {' '.join(liste_erreurs)}")
        return redirect("participants:fiche", pk=pk)
    try:
        etape_ajouter(participant=participant, user=request.user, **formulaire.cleaned_data)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, "Étape enregistrée.")
    return redirect("participants:fiche", pk=pk)


@require_POST
def supprimer_etape(request, pk, etape):
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    etape = get_object_or_404(participant.etapes.select_related("type", "participant"), pk=etape)
    try:
        etape_supprimer(etape=etape, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Étape « {etape.type} » du {etape.date_debut:%d/%m/%Y} retirée.")
    return redirect("participants:fiche", pk=pk)
