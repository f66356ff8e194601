"""Le contrôle de service fait (CSF) d'un bilan déposé, par le gestionnaire FSE : chaque dépense (ou un échantillon
tiré avec une graine notée) retenue, retenue en partie ou rejetée avec un motif ; les preuves des sorties positives
et un échantillon de séances émargées ; le calcul du FSE dû selon la convention ; la validation, qui produit le
rapport et fait passer le bilan à « contrôlé » (`rapport_csf.py`, au-dessus de ce module) ; le paiement du solde,
qui le valide (et solde l'opération).

Chaque décision est une ligne nouvelle : rien ne se modifie, une décision plus récente remplace la précédente.
"""
import math
import random
import secrets
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from annuaire.formats import euros
from conventions.selectors import TauxConventionne, taux_conventionne
from operations.programmes import RegleInconnue
from operations.workflow import ActionRefusee

from .calcul import Calcul, ControleIncomplet, Ligne, calculer
from .models import (
    GESTIONNAIRE, Bilan, ControleDepense, ControleParticipant, ControleServiceFait, Decision, DepenseBilan, EtatBilan,
    MotifRejet, ObjetControleParticipant, a_justifier,
)
from .selectors import sorties_positives
from .services import bilan_transition

SEUIL_ECHANTILLON = 10  # en dessous, contrôler chaque dépense va plus vite que tirer un échantillon
SEANCES_A_CONTROLER = 5


def exiger_gestionnaire(bilan: Bilan, user, action: str):
    refus = GESTIONNAIRE.refus(bilan, user)
    if refus:
        raise ActionRefusee(f"« {action} » : {refus}")


def exiger_en_controle(bilan: Bilan):
    if bilan.etat != EtatBilan.DEPOSE:
        raise ActionRefusee(f"Le bilan est à l'état « {bilan.get_etat_display()} » : seul un bilan déposé se contrôle.")


def _avance_prevue(bilan: Bilan) -> Decimal:
    convention = getattr(bilan.operation, "convention", None)
    return convention.avance if convention else Decimal(0)


def csf_de(bilan: Bilan) -> ControleServiceFait:
    """Le contrôle du bilan, lu sans rien écrire : tant qu'aucune action ne l'a enregistré, un contrôle exhaustif, non
    enregistré, dont l'avance versée est celle que prévoit la convention (une page qui montre n'écrit jamais)."""
    csf = ControleServiceFait.objects.filter(bilan=bilan).first()
    return csf if csf is not None else ControleServiceFait(bilan=bilan, avance_versee=_avance_prevue(bilan))


def csf_a_ecrire(bilan: Bilan) -> ControleServiceFait:
    """Le contrôle du bilan, créé à la première action qui l'écrit (jamais à la lecture)."""
    csf, _ = ControleServiceFait.objects.get_or_create(bilan=bilan, defaults={"avance_versee": _avance_prevue(bilan)})
    return csf


def tirer(identifiants: list[int], taille: int, graine: int) -> list[int]:
    """Le même tirage pour la même graine et les mêmes lignes : l'échantillon se retire à l'identique."""
    return sorted(random.Random(graine).sample(sorted(identifiants), taille))


def taille_proposee(nombre: int) -> int:
    return min(nombre - 1, max(5, math.ceil(nombre * 0.2)))


def echantillon_tirer(*, bilan: Bilan, user, taille: int, graine: int | None = None) -> ControleServiceFait:
    exiger_gestionnaire(bilan, user, "Tirer un échantillon")
    exiger_en_controle(bilan)
    identifiants = list(bilan.depenses.values_list("pk", flat=True))
    if len(identifiants) < SEUIL_ECHANTILLON:
        raise ActionRefusee(f"Le bilan compte {len(identifiants)} dépense(s) : en dessous de {SEUIL_ECHANTILLON}, "
                            "toutes se contrôlent.")
    if not 1 <= taille < len(identifiants):
        raise ActionRefusee(f"Taille de l'échantillon : entre 1 et {len(identifiants) - 1} dépenses.")
    csf = csf_a_ecrire(bilan)
    csf.graine = graine if graine is not None else secrets.randbelow(10**9)
    csf.echantillon = tirer(identifiants, taille, csf.graine)
    csf.save(update_fields=["graine", "echantillon"])
    return csf


def controle_exhaustif(*, bilan: Bilan, user) -> ControleServiceFait:
    exiger_gestionnaire(bilan, user, "Contrôler toutes les dépenses")
    exiger_en_controle(bilan)
    csf = csf_a_ecrire(bilan)
    csf.graine, csf.echantillon = None, []
    csf.save(update_fields=["graine", "echantillon"])
    return csf


def avance_enregistrer(*, bilan: Bilan, user, avance: Decimal) -> ControleServiceFait:
    exiger_gestionnaire(bilan, user, "Enregistrer l'avance versée")
    exiger_en_controle(bilan)
    if avance < 0:
        raise ActionRefusee("Avance versée : un montant positif est attendu.")
    csf = csf_a_ecrire(bilan)
    csf.avance_versee = avance
    csf.save(update_fields=["avance_versee"])
    return csf


def depense_controler(*, depense: DepenseBilan, user, decision: str, montant_retenu: Decimal | None = None,
                      motif: MotifRejet | None = None, commentaire: str = "") -> ControleDepense:
    bilan = depense.bilan
    exiger_gestionnaire(bilan, user, "Contrôler une dépense")
    exiger_en_controle(bilan)
    declare = depense.realise or Decimal(0)
    ligne = f"Dépense « {depense.libelle} »"
    if decision == Decision.RETENUE:
        montant_retenu = declare
        if not commentaire.strip() and _sans_piece([depense]):
            raise ActionRefusee(f"{ligne} : aucune pièce justificative ; la retenir exige une motivation (commentaire).")
    elif decision == Decision.REJETEE:
        montant_retenu = Decimal(0)
    elif decision == Decision.PARTIELLE:
        if montant_retenu is None or not Decimal(0) < montant_retenu < declare:
            raise ActionRefusee(f"{ligne} : le montant retenu en partie doit être entre 0 et {euros(declare)} (exclus).")
    else:
        raise ActionRefusee(f"{ligne} : décision « {decision} » inconnue.")
    if decision != Decision.RETENUE and motif is None:
        raise ActionRefusee(f"{ligne} : choisissez le motif de l'écart.")
    return ControleDepense.objects.create(depense=depense, decision=decision, montant_retenu=montant_retenu,
                                          motif=motif if decision != Decision.RETENUE else None,
                                          commentaire=commentaire.strip(), par=user)


def _sans_piece(depenses: list[DepenseBilan]) -> list[str]:
    """Les libellés des dépenses à justifier (`models.a_justifier`) qui n'ont aucune pièce."""
    a_prouver = a_justifier(DepenseBilan.objects.filter(pk__in=[d.pk for d in depenses])).filter(pieces__isnull=True)
    manquantes = set(a_prouver.values_list("pk", flat=True))
    return [d.libelle for d in depenses if d.pk in manquantes]


def depenses_retenir(*, bilan: Bilan, depenses: list[DepenseBilan], user, commentaire: str = "") -> int:
    """Retient d'un coup les dépenses choisies, chacune par `depense_controler` (mêmes droits, même trace) ; tout ou
    rien : la première ligne refusée (hors échantillon, sans pièce ni motivation) annule l'ensemble."""
    if not depenses:
        raise ActionRefusee("Cochez au moins une dépense à retenir.")
    csf = csf_de(bilan)
    sans_piece = _sans_piece(depenses)
    if sans_piece and not commentaire.strip():
        noms = ", ".join(f"« {nom} »" for nom in sans_piece[:5]) + (f" et {len(sans_piece) - 5} autre(s)"
                                                                    if len(sans_piece) > 5 else "")
        raise ActionRefusee(f"{len(sans_piece)} dépense(s) sans pièce justificative ({noms}) : les retenir exige une "
                            "motivation.")
    with transaction.atomic():
        for depense in depenses:
            if csf.par_echantillon and depense.pk not in csf.echantillon:
                raise ActionRefusee(f"Dépense « {depense.libelle} » : hors de l'échantillon, elle ne se contrôle pas.")
            depense_controler(depense=depense, user=user, decision=Decision.RETENUE, commentaire=commentaire)
    return len(depenses)


def decisions_courantes(bilan: Bilan) -> dict[int, ControleDepense]:
    """La décision qui fait foi pour chaque dépense : la plus récente."""
    courantes = {}
    for controle in ControleDepense.objects.filter(depense__bilan=bilan).select_related("motif", "par").order_by("le", "pk"):
        courantes[controle.depense_id] = controle
    return courantes


def sans_preuve(bilan: Bilan, objet: str, participant=None, seance=None) -> bool:
    """Une sortie positive sans pièce qui la prouve, une séance sans feuille signée."""
    if objet == ObjetControleParticipant.PRESENCE:
        return not (seance and seance.feuille_signee)
    return not bilan.pieces.filter(participant=participant).exists()


def participant_controler(*, bilan: Bilan, user, objet: str, conforme: bool, commentaire: str = "",
                          participant=None, seance=None) -> ControleParticipant:
    exiger_gestionnaire(bilan, user, "Contrôler une réalisation")
    exiger_en_controle(bilan)
    if objet == ObjetControleParticipant.SORTIE_POSITIVE:
        if participant is None or participant.pk not in {p.pk for p in sorties_positives(bilan)}:
            raise ActionRefusee("Ce participant n'a pas de sortie positive dans la période du bilan.")
        seance, ligne = None, f"Sortie positive de {participant}"
    elif objet == ObjetControleParticipant.PRESENCE:
        if seance is None or seance.pk not in csf_de(bilan).seances_tirees:
            raise ActionRefusee("Cette séance n'est pas dans l'échantillon de présence du bilan.")
        participant, ligne = None, f"Séance du {seance.date:%d/%m/%Y}"
    else:
        raise ActionRefusee(f"Objet du contrôle « {objet} » inconnu.")
    if not conforme and not commentaire.strip():
        raise ActionRefusee(f"{ligne} : un contrôle non conforme s'explique ; écrivez le commentaire.")
    if conforme and not commentaire.strip() and sans_preuve(bilan, objet, participant, seance):
        preuve = "aucune feuille signée" if seance else "aucune pièce ne la prouve"
        raise ActionRefusee(f"{ligne} : {preuve} ; la déclarer conforme exige une motivation (commentaire).")
    return ControleParticipant.objects.create(bilan=bilan, objet=objet, participant=participant, seance=seance,
                                              conforme=conforme, commentaire=commentaire.strip(), par=user)


def realisations_conformes(*, bilan: Bilan, user, objet: str, lignes: list, commentaire: str = "") -> int:
    """Déclare conformes d'un coup les sorties (participants) ou les séances choisies, chacune par
    `participant_controler` ; tout ou rien."""
    if not lignes:
        raise ActionRefusee("Cochez au moins une ligne à déclarer conforme.")
    cle = "seance" if objet == ObjetControleParticipant.PRESENCE else "participant"
    with transaction.atomic():
        for ligne in lignes:
            participant_controler(bilan=bilan, user=user, objet=objet, conforme=True, commentaire=commentaire,
                                  **{cle: ligne})
    return len(lignes)


def seances_a_controler(bilan: Bilan):
    return bilan.operation.seances.filter(date__range=(bilan.debut, bilan.fin))


def presences_tirer(*, bilan: Bilan, user, graine: int | None = None) -> ControleServiceFait:
    """Quelques séances émargées de la période, tirées avec une graine notée : leur feuille signée se vérifie."""
    exiger_gestionnaire(bilan, user, "Tirer les séances à contrôler")
    exiger_en_controle(bilan)
    identifiants = list(seances_a_controler(bilan).values_list("pk", flat=True))
    if not identifiants:
        raise ActionRefusee("L'opération n'a aucune séance dans la période du bilan.")
    csf = csf_a_ecrire(bilan)
    graine = graine if graine is not None else secrets.randbelow(10**9)
    csf.seances_tirees = tirer(identifiants, min(SEANCES_A_CONTROLER, len(identifiants)), graine)
    csf.save(update_fields=["seances_tirees"])
    return csf


def controles_participants(bilan: Bilan) -> dict[tuple, ControleParticipant]:
    """La décision qui fait foi pour chaque preuve : {(objet, participant ou séance): contrôle}."""
    courants = {}
    lignes = bilan.controles_participants.select_related("par", "participant__motif_sortie", "seance")
    for c in lignes.order_by("le", "pk"):
        courants[(c.objet, c.participant_id or c.seance_id)] = c
    return courants


def lignes_du_calcul(bilan: Bilan) -> list[Ligne]:
    csf, courantes = csf_de(bilan), decisions_courantes(bilan)
    perimetre = set(csf.echantillon) if csf.par_echantillon else None
    lignes, restantes = [], 0
    for depense in bilan.depenses.all():
        dans_le_perimetre = perimetre is None or depense.pk in perimetre
        decision = courantes.get(depense.pk)
        if dans_le_perimetre and decision is None:
            restantes += 1
        lignes.append(Ligne(depense.categorie, depense.realise or Decimal(0),
                            decision.montant_retenu if decision and dans_le_perimetre else None, depense.libelle))
    if restantes:
        raise ControleIncomplet(f"{restantes} dépense(s) {'de l’échantillon ' if perimetre else ''}restent à contrôler.")
    return lignes


def taux_du_bilan(bilan: Bilan) -> TauxConventionne:
    """La version de la convention qui fait foi pour le bilan : la dernière signée au plus tard à la fin de sa période."""
    taux = taux_conventionne(bilan.operation, au=bilan.fin)
    if taux is None:
        raise ControleIncomplet("L'opération n'a pas de convention : ni taux, ni plafond, ni option de coûts.")
    return taux


def calcul_du_bilan(bilan: Bilan) -> Calcul:
    """Le FSE dû, selon la convention de l'opération (option de coûts du programme, extrapolation) et sa version en
    vigueur pour la période du bilan (taux = FSE conventionné ÷ coût total conventionné, plafond = FSE conventionné)."""
    csf, taux = csf_de(bilan), taux_du_bilan(bilan)
    convention = taux.convention
    try:
        option = convention.option_couts
    except RegleInconnue as inconnue:
        raise ControleIncomplet(f"Convention {convention.numero} : {inconnue}") from None
    return calculer(lignes_du_calcul(bilan), option=option, montant_fse=taux.montant_fse, cout_total=taux.cout_total,
                    plafond=taux.montant_fse, avance=csf.avance_versee,
                    extrapolation_autorisee=convention.extrapolation_autorisee, origine=taux.origine)


def manques_du_controle(bilan: Bilan) -> list[str]:
    """Ce qui empêche encore de valider le contrôle (liste vide : il peut l'être)."""
    manques = []
    try:
        calcul_du_bilan(bilan)
    except ControleIncomplet as incomplet:
        manques.append(str(incomplet))
    courants = controles_participants(bilan)
    sans = [p for p in sorties_positives(bilan) if (ObjetControleParticipant.SORTIE_POSITIVE, p.pk) not in courants]
    if sans:
        manques.append(f"{len(sans)} sortie(s) positive(s) sans preuve contrôlée.")
    if seances_a_controler(bilan).exists():
        csf = csf_de(bilan)
        if not csf.seances_tirees:
            manques.append("Tirez l'échantillon de séances émargées à contrôler.")
        elif any((ObjetControleParticipant.PRESENCE, pk) not in courants for pk in csf.seances_tirees):
            manques.append("Des séances de l'échantillon de présence restent à contrôler.")
    return manques


def paiement_enregistrer(*, bilan: Bilan, user, montant: Decimal, le: date):
    """Le solde versé (ou le trop-perçu reversé, en négatif) : le bilan est validé, l'opération soldée s'il est final."""
    exiger_gestionnaire(bilan, user, "Enregistrer le paiement")
    if bilan.etat != EtatBilan.CONTROLE:
        raise ActionRefusee("Le paiement s'enregistre sur un bilan contrôlé.")
    if le > timezone.localdate():
        raise ActionRefusee("Date du paiement : elle ne peut pas être à venir.")
    with transaction.atomic():
        csf = ControleServiceFait.objects.select_for_update().get(bilan=bilan)
        csf.montant_paye, csf.paye_le = montant, le
        csf.save(update_fields=["montant_paye", "paye_le"])
        bilan.csf = csf
        bilan_transition(bilan=bilan, nom="valider", user=user, motivation=f"Solde de {euros(montant)} payé le {le:%d/%m/%Y}.")
    return bilan
