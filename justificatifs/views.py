"""Les pages des bilans d'exécution : l'échéancier de l'opération, puis chaque bilan (ses trois parties, ses étapes)."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.formats import montant
from annuaire.tri import Colonne, Tri, rang_dans
from operations.models import Operation
from operations.options import CategorieDepense
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses, vue_de_transition
from operations.workflow import ActionRefusee, historique, transitions_offertes
from participants.models import Participant

from . import controle, pieces, selectors, services
from .models import Bilan, EtatBilan, NaturePiece, PieceJustificative, voit_les_bilans
from .services import CHAMPS_QUALITATIFS


class QualitatifForm(forms.ModelForm):
    class Meta:
        model = Bilan
        fields = CHAMPS_QUALITATIFS
        widgets = {champ: forms.Textarea(attrs={"rows": 5}) for champ in CHAMPS_QUALITATIFS}


def _operation(request, code) -> Operation:
    operation = get_object_or_404(Operation.objects.visible_to(request.user).select_related("porteur", "type"), code=code)
    if not voit_les_bilans(operation, request.user):
        raise Http404("Pas de bilan visible pour cette opération.")
    return operation


def _bilan(request, code, rang) -> Bilan:
    return get_object_or_404(Bilan.objects.visible_to(request.user).select_related("operation__porteur", "operation__type"),
                             operation__code=code, rang=rang)


# Les colonnes de la liste des bilans ; l'état se trie dans l'ordre du circuit, pas dans celui de ses codes.
COLONNES_DES_BILANS = [
    Colonne("operation", "Opération", ("operation__code",), classe="code"),
    Colonne("porteur", "Porteur", ("operation__porteur__nom",)),
    Colonne("bilan", "Bilan", ("rang",)),
    Colonne("periode", "Période", ("debut", "fin")),
    Colonne("etat", "État", ("rang_etat",)),
]


def liste(request):
    """Tous les bilans que l'utilisateur voit, triables par colonne ; le gestionnaire y trouve ceux à contrôler."""
    bilans = (Bilan.objects.visible_to(request.user).select_related("operation__porteur")
              .annotate(rang_etat=rang_dans("etat", EtatBilan.values)))
    etat = request.GET.get("etat", "")
    if etat in EtatBilan.values:
        bilans = bilans.filter(etat=etat)
    tri = Tri(request, COLONNES_DES_BILANS, defaut="operation")
    return render(request, "justificatifs/liste.html", {"page": tri.paginer(tri.ordonner(bilans), 50),
                                                        "entetes": tri.entetes, "requete": tri.requete,
                                                        "etats": EtatBilan.choices, "etat": etat})


def bilans(request, code):
    operation = _operation(request, code)
    faits = {b.rang: b for b in operation.bilans.all()}
    echeancier = [(prevu, faits.get(prevu.rang)) for prevu in selectors.bilans_prevus(operation)]
    return render(request, "justificatifs/bilans.html", {
        "operation": operation, "echeancier": echeancier,
        "peut_preparer": services.PORTEUR(operation, request.user) and selectors.prochain_bilan(operation) is not None,
    })


@require_POST
def preparer(request, code):
    operation = _operation(request, code)
    try:
        bilan = services.bilan_preparer(operation=operation, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return redirect("justificatifs:bilans", code=code)
    messages.success(request, f"{bilan.titre} préparé : la partie quantitative est calculée, saisissez les deux autres.")
    return redirect(bilan)


def bilan(request, code, rang):
    bilan = _bilan(request, code, rang)
    peut_modifier = bilan.modifiable and services.PORTEUR(bilan.operation, request.user)
    formulaire = QualitatifForm(request.POST or None, instance=bilan)
    erreurs = []
    if request.method == "POST":
        if not peut_modifier:
            raise Http404("Ce bilan n'est pas modifiable par vous.")
        # Les lignes des aides payées viennent du paiement : elles ne se saisissent pas.
        depenses = {d.pk: request.POST.get(f"depense-{d.pk}", "") for d in bilan.depenses.filter(aide__isnull=True)}
        ressources = {r.pk: request.POST.get(f"ressource-{r.pk}", "") for r in bilan.ressources.all()}
        try:
            services.bilan_enregistrer(bilan=bilan, user=request.user, depenses=depenses, ressources=ressources,
                                       qualitatif={c: request.POST.get(c, "") for c in CHAMPS_QUALITATIFS})
        except ActionRefusee as refus:
            erreurs = [{"libelle": "Partie financière", "message": str(refus), "ancre": "financier"}]
        else:
            messages.success(request, "Bilan enregistré.")
            return redirect(bilan)
    return render(request, "justificatifs/bilan.html", {
        "bilan": bilan, "operation": bilan.operation, "formulaire": formulaire, "erreurs": erreurs,
        "peut_modifier": peut_modifier,
        "quantitatif": selectors.quantitatif(bilan), "financier": selectors.financier(bilan),
        # Après un refus, chaque case garde ce qui a été tapé (rien n'a été enregistré).
        "depenses": [(d, request.POST.get(f"depense-{d.pk}", "") if erreurs else montant(d.realise))
                     for d in bilan.depenses.all()],
        "ressources": [(r, request.POST.get(f"ressource-{r.pk}", "") if erreurs else montant(r.recu))
                       for r in bilan.ressources.select_related("financeur")],
        "transitions": avec_adresses(transitions_offertes(bilan, user=request.user), "justificatifs:transition",
                                     code, rang),
        "historique": historique(bilan),
        "pieces": bilan.pieces.select_related("depense", "participant"),
        "natures": NaturePiece.choices, "categories": CategorieDepense.choices,
        "sorties_positives": selectors.sorties_positives(bilan) if peut_modifier else [],
        "peut_controler": controle.GESTIONNAIRE(bilan, request.user),
    })


transition = vue_de_transition(
    trouver=lambda request, code, rang: _bilan(request, code, rang),
    tirer=lambda bilan, **action: services.bilan_transition(bilan=bilan, **action),
    apres=lambda bilan: f"{bilan.titre} : « {bilan.get_etat_display()} ».",
)


def document(request, code, rang):
    """Le bilan en Word, à jour de ses données (chaque état des données est gardé une fois)."""
    bilan = _bilan(request, code, rang)
    produit = services.bilan_document(bilan, request.user)
    return telecharger(produit.fichier, produit.nom)


# --- Pièces justificatives et dépenses détaillées (porteur) ---

@require_POST
def deposer_piece(request, code, rang):
    bilan = _bilan(request, code, rang)
    cible, fichier = request.POST.get("rattachement", ""), request.FILES.get("fichier")
    try:
        if fichier is None:
            raise ActionRefusee("Fichier : choisissez la pièce à déposer (PDF, image ou document bureautique).")
        genre, _, pk = cible.partition("-")
        depense = bilan.depenses.filter(pk=pk).first() if genre == "d" and pk.isdigit() else None
        participant = (Participant.objects.visible_to(request.user).filter(pk=pk).first()
                       if genre == "p" and pk.isdigit() else None)
        if depense is None and participant is None:
            raise ActionRefusee("Rattacher à : choisissez la dépense ou la sortie positive que la pièce justifie.")
        pieces.piece_deposer(bilan=bilan, user=request.user, fichier=fichier, nature=request.POST.get("nature", ""),
                             depense=depense, participant=participant)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Pièce « {fichier.name} » déposée.")
    return redirect(f"{bilan.get_absolute_url()}#pieces")


def piece(request, code, rang, pk):
    """Une pièce, à qui voit le bilan (sinon 404), et chaque ouverture tracée."""
    bilan = _bilan(request, code, rang)
    trouvee = get_object_or_404(PieceJustificative.objects.visible_to(request.user), bilan=bilan, pk=pk)
    pieces.piece_ouvrir(piece=trouvee, user=request.user)
    return telecharger(trouvee.fichier, trouvee.nom, trouvee.type_mime)


@require_POST
def retirer_piece(request, code, rang, pk):
    bilan = _bilan(request, code, rang)
    trouvee = get_object_or_404(PieceJustificative.objects.visible_to(request.user), bilan=bilan, pk=pk)
    try:
        pieces.piece_retirer(piece=trouvee, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Pièce « {trouvee.nom} » retirée.")
    return redirect(f"{bilan.get_absolute_url()}#pieces")


@require_POST
def ajouter_depense(request, code, rang):
    bilan = _bilan(request, code, rang)
    try:
        services.depense_ajouter(bilan=bilan, user=request.user, categorie=request.POST.get("categorie", ""),
                                 libelle=request.POST.get("libelle", ""), montant=request.POST.get("montant", ""))
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, "Dépense ajoutée à l'état récapitulatif.")
    return redirect(f"{bilan.get_absolute_url()}#financier")
