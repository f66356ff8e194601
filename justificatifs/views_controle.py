"""Les pages du gestionnaire FSE : le contrôle de service fait d'un bilan (dépenses, échantillon, réalisations,
calcul, validation, paiement) et l'export vers « Ma Démarche FSE » d'une opération, précédé du contrôle qualité."""
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annuaire.formats import lire_montant
from annuaire.lecture_seule import lecture_seule
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


def _annoter(lignes: list, prefixe: str, erreur: dict | None, nom) -> None:
    """Chaque ligne porte sa clé (`depense-12`), son nom lisible et, après un refus, la saisie gardée et le message."""
    lot = erreur and erreur["ligne"] == f"lot-{prefixe}s"
    cochees = set(erreur["saisie"].getlist("depenses" if prefixe == "depense" else "lignes")) if lot else set()
    for ligne in lignes:
        objet = ligne[0]
        objet.cle_controle, objet.nom_controle = f"{prefixe}-{objet.pk}", nom(objet)
        objet.coche = str(objet.pk) in cochees
        if erreur and erreur["ligne"] == objet.cle_controle:
            objet.erreur, objet.saisie = erreur["message"], erreur["saisie"]


def _contexte(request, bilan, erreur: dict | None = None) -> dict:
    """Tout ce que montre la page ; les réponses htmx en rendent des morceaux, identiques à ceux de la page entière."""
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
    depenses = list(bilan.depenses.prefetch_related("controles__motif", "controles__par"))
    pieces = list(bilan.pieces.all())  # lues une fois, rangées ensuite par dépense et par participant
    lignes = [(d, courantes.get(d.pk), perimetre is None or d.pk in perimetre, [p for p in pieces if p.depense_id == d.pk])
              for d in depenses]
    a_controler = [ligne for ligne in lignes if ligne[2]]
    sorties = [(p, participants.get((ObjetControleParticipant.SORTIE_POSITIVE, p.pk)),
                [pc for pc in pieces if pc.participant_id == p.pk]) for p in sorties_positives(bilan)]
    seances = [(s, participants.get((ObjetControleParticipant.PRESENCE, s.pk)))
               for s in Seance.objects.filter(pk__in=csf.seances_tirees).order_by("date")]
    _annoter(lignes, "depense", erreur, lambda d: d.libelle)
    _annoter(sorties, "sortie", erreur, lambda p: f"{p.prenom} {p.nom}")
    _annoter(seances, "seance", erreur, lambda s: f"Séance du {s.date:%d/%m/%Y}, {s.get_demi_journee_display().lower()}")
    return {
        "bilan": bilan, "operation": bilan.operation, "csf": csf, "erreur": erreur,
        "calcul": calcul, "incomplet": incomplet,
        "taux": taux, "option": option, "arrondi": ARRONDI, "lignes": lignes, "sorties": sorties, "seances": seances,
        "totaux": {
            "depenses": len(a_controler), "depenses_controlees": sum(1 for ligne in a_controler if ligne[1]),
            "declare": sum((ligne[0].realise or Decimal(0) for ligne in a_controler), Decimal(0)),
            "retenu": sum((ligne[1].montant_retenu for ligne in a_controler if ligne[1]), Decimal(0)),
            "sorties": len(sorties), "sorties_controlees": sum(1 for ligne in sorties if ligne[1]),
            "seances": len(seances), "seances_controlees": sum(1 for ligne in seances if ligne[1]),
        },
        "a_des_seances": controle.seances_a_controler(bilan).exists(),
        "motifs": MotifRejet.objects.all(), "decisions": Decision.choices,
        "peut_agir": bilan.etat == EtatBilan.DEPOSE and controle.GESTIONNAIRE(bilan, request.user),
        "peut_payer": bilan.etat == EtatBilan.CONTROLE and controle.GESTIONNAIRE(bilan, request.user),
        "peut_echantillonner": len(depenses) >= controle.SEUIL_ECHANTILLON,
        "taille_proposee": controle.taille_proposee(len(depenses)),
        "manques": controle.manques_du_controle(bilan) if bilan.etat == EtatBilan.DEPOSE else [],
    }


@lecture_seule
def page(request, code, rang):
    bilan = _bilan_controle(request, code, rang)
    return render(request, "justificatifs/controle.html", _contexte(request, bilan))


def _agir(request, bilan, action, succes, ancre=""):
    try:
        action()
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, succes)
    return redirect(reverse("justificatifs:controle", args=[bilan.operation.code, bilan.rang]) + ancre)


def _agir_en_ligne(request, bilan, action, succes, *, morceau: str, ancre: str, ligne: str):
    """Une décision sur une ligne ou un lot : avec htmx, la réponse est la ligne (ou le corps du tableau) et, hors bande,
    l'état du contrôle, le calcul et l'annonce ; sans JavaScript, la même page rechargée à la même ligne."""
    if request.headers.get("HX-Request") != "true":
        return _agir(request, bilan, action, succes, ancre)
    try:
        action()
    except ActionRefusee as refus:
        annonce, erreur = str(refus), {"ligne": ligne, "message": str(refus), "saisie": request.POST}
    else:
        annonce, erreur = succes, None
    bilan.refresh_from_db()
    return render(request, "justificatifs/controle/reponse.html", {
        **_contexte(request, bilan, erreur), "morceau": morceau, "ligne": ligne, "annonce": annonce})


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
    return _agir_en_ligne(request, bilan, action, f"Décision enregistrée pour « {depense.libelle} ».",
                          morceau="depense", ancre=f"#depense-{depense.pk}", ligne=f"depense-{depense.pk}")


@require_POST
def retenir(request, code, rang):
    """Les dépenses cochées, retenues d'un coup (tout ou rien)."""
    bilan = _bilan_controle(request, code, rang)
    choisies = list(bilan.depenses.filter(pk__in=[v for v in request.POST.getlist("depenses") if v.isdigit()]))

    def action():
        controle.depenses_retenir(bilan=bilan, depenses=choisies, user=request.user,
                                  commentaire=request.POST.get("commentaire", ""))
    return _agir_en_ligne(request, bilan, action, f"{len(choisies)} dépense(s) retenue(s).", morceau="depenses",
                          ancre="#titre-depenses", ligne="lot-depenses")


@require_POST
def conformes(request, code, rang):
    """Les sorties ou les séances cochées, déclarées conformes d'un coup (tout ou rien)."""
    bilan = _bilan_controle(request, code, rang)
    objet = request.POST.get("objet", "")
    choisis = {v for v in request.POST.getlist("lignes") if v.isdigit()}
    if objet == ObjetControleParticipant.PRESENCE:
        lignes, morceau = list(bilan.operation.seances.filter(pk__in=choisis).order_by("date")), "seances"
    else:
        lignes, morceau = [p for p in sorties_positives(bilan) if str(p.pk) in choisis], "sorties"

    def action():
        controle.realisations_conformes(bilan=bilan, user=request.user, objet=objet, lignes=lignes,
                                        commentaire=request.POST.get("commentaire", ""))
    return _agir_en_ligne(request, bilan, action, f"{len(lignes)} ligne(s) déclarée(s) conforme(s).", morceau=morceau,
                          ancre=f"#controle-{morceau}", ligne=f"lot-{morceau}")


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
    participant = next((p for p in sorties_positives(bilan) if str(p.pk) == request.POST.get("participant")), None)
    seance = bilan.operation.seances.filter(pk=request.POST.get("seance") or 0).first()
    if objet == ObjetControleParticipant.PRESENCE:
        ligne = f"seance-{seance.pk}" if seance else ""
    else:
        ligne = f"sortie-{participant.pk}" if participant else ""

    def action():
        controle.participant_controler(bilan=bilan, user=request.user, objet=objet, participant=participant,
                                       seance=seance, conforme=request.POST.get("conforme") == "oui",
                                       commentaire=request.POST.get("commentaire", ""))
    return _agir_en_ligne(request, bilan, action, "Contrôle enregistré.", morceau="realisation",
                          ancre=f"#{ligne}" if ligne else "#titre-realisations", ligne=ligne)


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


@lecture_seule
def mdfse_page(request, code):
    operation = _operation_mdfse(request, code)
    return render(request, "justificatifs/mdfse.html", {"operation": operation, "qualite": mdfse.qualite(operation),
                                                        "exports": operation.exports_mdfse.select_related("fait_par")[:5]})


@require_POST  # l'export s'inscrit au journal : une page affichée n'écrit pas
def mdfse_export(request, code):
    operation = _operation_mdfse(request, code)
    reponse = HttpResponse(mdfse.mdfse_exporter(operation=operation, user=request.user), content_type="application/zip")
    reponse["Content-Disposition"] = f'attachment; filename="mdfse-{operation.code}.zip"'
    return reponse
