"""Les pages du gestionnaire FSE : le contrôle de service fait d'un bilan (dépenses, échantillon, réalisations,
calcul, validation, paiement) et l'export vers « Ma Démarche FSE » d'une opération, précédé du contrôle qualité."""
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.formats import lire_montant
from annuaire.roles import Role, roles_de
from operations.models import Operation
from operations.programmes import RegleInconnue
from operations.workflow import ActionRefusee
from participants.models import Seance

from . import controle, mdfse, rapport_csf
from .calcul import ARRONDI, ControleIncomplet
from .models import Decision, EtatBilan, MotifRejet, ObjetControleParticipant
from .selectors import sorties_positives
from .views import _bilan

EQUIPE = {Role.GESTIONNAIRE, Role.ANIMATION, Role.ADMINISTRATEUR}


def _montant(texte: str, libelle: str) -> Decimal:
    try:
        valeur = lire_montant(texte)
    except ValueError:
        valeur = None
    if valeur is None:
        raise ActionRefusee(f"{libelle} : « {texte} » n'est pas un montant.")
    return valeur


def _bilan_controle(request, code, rang):
    bilan = _bilan(request, code, rang)
    if not roles_de(request.user) & EQUIPE:
        raise PermissionDenied("Le contrôle de service fait est réservé à l'équipe du PLIE.")
    return bilan


def page(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    csf = controle.csf_de(bilan)
    courantes = controle.decisions_courantes(bilan)
    perimetre = set(csf.echantillon) if csf.par_echantillon else None
    try:
        calcul, incomplet = controle.calcul_du_bilan(bilan), ""
    except ControleIncomplet as raison:
        calcul, incomplet = None, str(raison)
    try:
        taux = controle.taux_du_bilan(bilan)
    except ControleIncomplet:
        taux = None
    try:
        option = taux.convention.option_couts if taux else None
    except RegleInconnue:
        option = None
    participants = controle.controles_participants(bilan)
    seances = Seance.objects.filter(pk__in=csf.seances_tirees).order_by("date")
    nombre = bilan.depenses.count()
    pieces = list(bilan.pieces.all())  # lues une fois, rangées ensuite par dépense et par participant
    return render(request, "justificatifs/controle.html", {
        "bilan": bilan, "operation": bilan.operation, "csf": csf, "calcul": calcul, "incomplet": incomplet,
        "taux": taux, "option": option, "arrondi": ARRONDI,
        "lignes": [(d, courantes.get(d.pk), perimetre is None or d.pk in perimetre,
                    [p for p in pieces if p.depense_id == d.pk])
                   for d in bilan.depenses.prefetch_related("controles__motif", "controles__par")],
        "sorties": [(p, participants.get((ObjetControleParticipant.SORTIE_POSITIVE, p.pk)),
                     [pc for pc in pieces if pc.participant_id == p.pk]) for p in sorties_positives(bilan)],
        "seances": [(s, participants.get((ObjetControleParticipant.PRESENCE, s.pk))) for s in seances],
        "a_des_seances": controle.seances_a_controler(bilan).exists(),
        "motifs": MotifRejet.objects.all(), "decisions": Decision.choices,
        "peut_agir": bilan.etat == EtatBilan.DEPOSE and controle.GESTIONNAIRE(bilan, request.user),
        "peut_payer": bilan.etat == EtatBilan.CONTROLE and controle.GESTIONNAIRE(bilan, request.user),
        "peut_echantillonner": nombre >= controle.SEUIL_ECHANTILLON, "taille_proposee": controle.taille_proposee(nombre),
        "manques": controle.manques_du_controle(bilan) if bilan.etat == EtatBilan.DEPOSE else [],
    })


def _agir(request, bilan, action, succes):
    try:
        action()
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, succes)
    return redirect("justificatifs:controle", code=bilan.operation.code, rang=bilan.rang)


@require_POST
def decider(request, code, rang, pk):
    bilan = _bilan_controle(request, code, rang)
    depense = get_object_or_404(bilan.depenses, pk=pk)

    def action():
        motif = MotifRejet.objects.filter(pk=request.POST.get("motif") or 0).first()
        texte = request.POST.get("montant_retenu", "")
        controle.depense_controler(depense=depense, user=request.user, decision=request.POST.get("decision", ""),
                                   montant_retenu=_montant(texte, f"Dépense « {depense.libelle} » (retenu)") if texte else None,
                                   motif=motif, commentaire=request.POST.get("commentaire", ""))
    return _agir(request, bilan, action, f"Décision enregistrée pour « {depense.libelle} ».")


@require_POST
def methode(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    if request.POST.get("methode") == "echantillon":
        def action():
            taille = request.POST.get("taille", "")
            if not taille.isdigit():
                raise ActionRefusee("Taille de l'échantillon : un nombre de dépenses est attendu.")
            controle.echantillon_tirer(bilan=bilan, user=request.user, taille=int(taille))
        return _agir(request, bilan, action, "Échantillon tiré ; sa graine est notée pour le retirer à l'identique.")
    return _agir(request, bilan, lambda: controle.controle_exhaustif(bilan=bilan, user=request.user),
                 "Contrôle exhaustif : chaque dépense se contrôle.")


@require_POST
def realisation(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    objet = request.POST.get("objet", "")

    def action():
        participant = next((p for p in sorties_positives(bilan) if str(p.pk) == request.POST.get("participant")), None)
        seance = bilan.operation.seances.filter(pk=request.POST.get("seance") or 0).first()
        controle.participant_controler(bilan=bilan, user=request.user, objet=objet, participant=participant,
                                       seance=seance, conforme=request.POST.get("conforme") == "oui",
                                       commentaire=request.POST.get("commentaire", ""))
    return _agir(request, bilan, action, "Contrôle enregistré.")


@require_POST
def tirer_seances(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    return _agir(request, bilan, lambda: controle.presences_tirer(bilan=bilan, user=request.user),
                 "Séances à contrôler tirées au sort (graine notée).")


@require_POST
def avance(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    return _agir(request, bilan, lambda: controle.avance_enregistrer(
        bilan=bilan, user=request.user, avance=_montant(request.POST.get("avance", ""), "Avance versée")),
        "Avance versée enregistrée.")


@require_POST
def valider(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    return _agir(request, bilan, lambda: rapport_csf.csf_valider(bilan=bilan, user=request.user),
                 "Contrôle validé : le rapport est produit, le bilan est contrôlé.")


@require_POST
def payer(request, code, rang):
    bilan = _bilan_controle(request, code, rang)

    def action():
        try:
            le = date.fromisoformat(request.POST.get("paye_le", ""))
        except ValueError:
            raise ActionRefusee("Date du paiement : une date est attendue.") from None
        controle.paiement_enregistrer(bilan=bilan, user=request.user, le=le,
                                      montant=_montant(request.POST.get("montant", ""), "Montant payé"))
    return _agir(request, bilan, action, "Paiement enregistré : le bilan est validé.")


def rapport(request, code, rang):
    from operations.documents import documents_de
    from operations.views.fichiers import telecharger

    bilan = _bilan_controle(request, code, rang)
    document = documents_de(bilan, "rapport_csf").order_by("-cree_le").first()
    if document is None:
        raise Http404("Le rapport n'existe qu'une fois le contrôle validé.")
    return telecharger(document.fichier, document.nom)


# --- « Ma Démarche FSE » ---

def _operation_mdfse(request, code) -> Operation:
    operation = get_object_or_404(Operation.objects.visible_to(request.user), code=code)
    if not roles_de(request.user) & EQUIPE:
        raise Http404("Pas d'export pour cette opération.")
    return operation


def mdfse_page(request, code):
    operation = _operation_mdfse(request, code)
    return render(request, "justificatifs/mdfse.html", {"operation": operation, "qualite": mdfse.qualite(operation)})


def mdfse_export(request, code):
    operation = _operation_mdfse(request, code)
    reponse = HttpResponse(mdfse.export_mdfse(operation), content_type="application/zip")
    reponse["Content-Disposition"] = f'attachment; filename="mdfse-{operation.code}.zip"'
    return reponse
