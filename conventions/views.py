"""Pages des conventions et avenants : une fiche par document à signer, les mêmes vues pour les deux (`rang`)."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from annuaire.roles import Role, a_role, roles_de
from appels_projets.views.communs import resume_erreurs_de
from operations.views.transitions import vue_de_transition
from operations.models import Operation
from operations.programmes import RegleInconnue
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses
from operations.workflow import ActionRefusee, historique, transitions_offertes

from . import lots, selectors, services
from .filters import ConventionFiltre
from .forms import (
    AvenantForm, DepensesAvenant, ExemplaireForm, GenerationForm, ObjectifsAvenant, RessourcesAvenant,
    donnees_proposees, initial_depuis,
)
from .models import Avenant, Convention
from .options import EtatSignature
from .tables import ConventionTable

# Ces étapes se tirent en déposant l'exemplaire signé (formulaire de dépôt), pas par un simple bouton.
PAR_DEPOT = {"signer_porteur", "signer"}
ETAPES = [EtatSignature.GENEREE, EtatSignature.ENVOYEE, EtatSignature.SIGNEE_PORTEUR, EtatSignature.SIGNEE,
          EtatSignature.NOTIFIEE]


def _operation(request, code) -> Operation:
    return get_object_or_404(Operation.objects.visible_to(request.user).select_related("porteur", "type"), code=code)


def _document(request, code, rang=None):
    """La convention de l'opération, ou l'un de ses avenants ; hors périmètre ou inexistant : 404."""
    if rang is None:
        return get_object_or_404(Convention.objects.visible_to(request.user).select_related("operation__porteur", "version"),
                                 operation__code=code)
    return get_object_or_404(Avenant.objects.visible_to(request.user).select_related("convention__operation__porteur"),
                             convention__operation__code=code, rang=rang)


def liste(request):
    if not roles_de(request.user):
        raise PermissionDenied("Votre compte n'a pas encore de rôle : demandez-le à l'équipe d'animation.")
    filtre = ConventionFiltre(request.GET, queryset=Convention.objects.visible_to(request.user)
                              .select_related("operation__porteur"), user=request.user)
    table = ConventionTable(filtre.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    a_relancer = {etat: len(selectors.a_relancer(Convention, etat, user=request.user)) for etat in selectors.ETATS_A_RELANCER}
    return render(request, "conventions/liste.html", {
        "filtre": filtre, "table": table, "a_relancer": a_relancer, "delai": settings.CONVENTIONS_DELAI_RELANCE_JOURS,
        "comites": selectors.comites_a_conventionner(user=request.user) if a_role(request.user, Role.ANIMATION) else [],
    })


@require_POST
def generer_du_comite(request):
    from appels_projets.models import Comite

    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("Seule l'équipe d'animation génère les conventions.")
    comite = get_object_or_404(Comite.objects.visible_to(request.user), pk=request.POST.get("comite") or 0)
    try:
        traitement = lots.conventions_du_comite_lancer(comite=comite, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return redirect("conventions:liste")
    return redirect(traitement)


def _contexte_commun(request, document, nom_url, *args):
    toutes = transitions_offertes(document, user=request.user)
    offertes = [t for t in toutes if t.nom not in PAR_DEPOT]
    depot = {EtatSignature.ENVOYEE: "signer_porteur", EtatSignature.SIGNEE_PORTEUR: "signer"}.get(document.etat)
    peut_deposer = depot is not None and any(t.nom == depot for t in toutes)
    return {
        "document": document,
        "operation": document.operation,
        "etapes": [(etat.label, etat == document.etat) for etat in ETAPES],
        "transitions": avec_adresses(offertes, nom_url, *args),
        "depot": ExemplaireForm() if peut_deposer else None,
        "documents": selectors.documents_produits(document),
        "historique": historique(document),
    }


def fiche(request, code):
    operation = _operation(request, code)
    convention = Convention.objects.visible_to(request.user).filter(operation=operation).first()
    if convention is None:
        # Pas encore de convention : l'équipe d'animation la génère, les autres n'ont rien à voir ici.
        if not (a_role(request.user, Role.ANIMATION) and operation.etat == "programmee"):
            raise Http404("Cette opération n'a pas de convention.")
        vote = selectors.montant_fse_vote(operation)
        return render(request, "conventions/generer.html", {
            "operation": operation, "formulaire": GenerationForm(operation=operation), "montant_fse": vote,
            "ecart_vote": max(operation.montant_fse_demande - vote, 0),
            "decision": selectors.decision_de_programmation(operation),
        })
    contexte = _contexte_commun(request, convention, "conventions:transition", code)
    courante = selectors.version_courante(operation)
    try:
        option = convention.option_couts
    except RegleInconnue:
        option = None
    contexte.update({
        "convention": convention,
        "option": option,
        "courante": {"numero": courante.numero, "lecture": selectors.lecture_de_version(courante.donnees)},
        "comparaison": selectors.demande_et_conventionne(operation),
        "avenants": convention.avenants.order_by("rang"),
        "versions": operation.versions.order_by("numero"),
        "peut_amender": a_role(request.user, Role.ANIMATION) and services.refus_d_avenant(convention) is None,
        "peut_regenerer": a_role(request.user, Role.ANIMATION) and convention.etat == EtatSignature.GENEREE,
    })
    return render(request, "conventions/fiche.html", contexte)


@require_POST
def generer(request, code):
    operation = _operation(request, code)
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("Seule l'équipe d'animation génère les conventions.")
    formulaire = GenerationForm(request.POST, operation=operation)
    if not formulaire.is_valid():
        for champ, erreurs in formulaire.errors.items():
            messages.error(request, f"{formulaire.fields[champ].label if champ in formulaire.fields else 'Convention'} : "
                                    + " ".join(erreurs))
        return redirect("conventions:fiche", code=code)
    try:
        convention = services.convention_generer(operation=operation, user=request.user, **formulaire.cleaned_data)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return redirect(operation)
    messages.success(request, f"La convention {convention.numero} est générée.")
    return redirect(convention)


@require_POST
def regenerer(request, code):
    convention = _document(request, code)
    try:
        services.convention_generer(operation=convention.operation, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, "Le document est à jour (une nouvelle version s'ajoute si les données ont changé).")
    return redirect(convention)


transition = vue_de_transition(
    trouver=lambda request, code, rang=None: _document(request, code, rang),
    tirer=lambda document, **action: services.signature_transition(document=document, **action),
    apres=lambda document: f"{document.titre} est maintenant « {document.get_etat_display()} ».",
)


@require_POST
def deposer_exemplaire(request, code, rang=None):
    document = _document(request, code, rang)
    formulaire = ExemplaireForm(request.POST, request.FILES)
    if not formulaire.is_valid():
        messages.error(request, "Exemplaire signé : choisissez le fichier scanné (PDF ou image).")
        return redirect(document)
    try:
        services.exemplaire_deposer(document=document, fichier=formulaire.cleaned_data["fichier"], user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Exemplaire signé déposé : {document.titre} est maintenant « {document.get_etat_display()} ».")
    return redirect(document)


def exemplaire(request, code, qui, rang=None):
    document = _document(request, code, rang)
    champ = {"porteur": "exemplaire_porteur", "signe": "exemplaire_signe"}.get(qui)
    fichier = getattr(document, champ) if champ else None
    if not fichier:
        raise Http404("Cet exemplaire n'est pas déposé.")
    extension = fichier.name[fichier.name.rfind("."):] if "." in fichier.name else ""
    return telecharger(fichier, f"{document.numero}-{qui}{extension}")


def document_produit(request, code, pk):
    """Un document Word (ou PDF) de la convention ou de l'un de ses avenants, toutes versions comprises."""
    convention = _document(request, code)
    for produit in selectors.documents_de_la_convention(convention):
        if produit.pk == pk:
            return telecharger(produit.fichier, produit.nom)
    raise Http404("Ce document n'appartient pas à cette convention.")


def avenant(request, code, rang):
    document = _document(request, code, rang)
    contexte = _contexte_commun(request, document, "conventions:transition_avenant", code, rang)
    contexte["ecarts"] = selectors.ecarts_de(document)
    return render(request, "conventions/avenant.html", contexte)


def rediger_avenant(request, code):
    convention = _document(request, code)
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("Seule l'équipe d'animation rédige les avenants.")
    refus = services.refus_d_avenant(convention)
    if refus:
        messages.error(request, refus)
        return redirect(convention)
    initial = initial_depuis(selectors.version_courante(convention.operation).donnees)
    donnees = request.POST if request.method == "POST" else None
    formulaire = AvenantForm(donnees, initial=initial["formulaire"])
    formsets = [DepensesAvenant(donnees, initial=initial["depenses"], prefix="depenses"),
                RessourcesAvenant(donnees, initial=initial["ressources"], prefix="ressources"),
                ObjectifsAvenant(donnees, initial=initial["objectifs"], prefix="objectifs")]
    erreurs = []
    if donnees is not None:
        if formulaire.is_valid() and all(f.is_valid() for f in formsets):
            try:
                nouveau = services.avenant_creer(convention=convention, user=request.user,
                                                 motif=formulaire.cleaned_data["motif"],
                                                 apres=donnees_proposees(formulaire, *formsets))
            except ActionRefusee as refus:
                erreurs = [{"libelle": "Avenant", "message": str(refus), "ancre": ""}]
            else:
                messages.success(request, f"{nouveau.titre} est généré : vérifiez les écarts, puis envoyez-le au porteur.")
                return redirect(nouveau)
        else:
            erreurs = resume_erreurs_de(formulaire, formsets)
    return render(request, "conventions/rediger_avenant.html", {
        "convention": convention, "operation": convention.operation, "formulaire": formulaire, "depenses": formsets[0],
        "ressources": formsets[1], "objectifs": formsets[2], "erreurs": erreurs,
    })


def version(request, code, numero):
    operation = _operation(request, code)
    if not Convention.objects.visible_to(request.user).filter(operation=operation).exists():
        raise Http404("Cette opération n'a pas de convention.")
    version = get_object_or_404(operation.versions, numero=numero)
    return render(request, "conventions/version.html", {
        "operation": operation, "version": version, "lecture": selectors.lecture_de_version(version.donnees),
        "versions": operation.versions.order_by("numero"),
    })
