"""Écritures du circuit d'un appel à projets : appel, réponse, recevabilité, analyse, comité, décisions."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annuaire.fichiers import verifier_fichier
from annuaire.formats import euros
from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import Role, a_role
from operations.models import Operation
from operations.programmes import taux_maximum_depasse
from operations.options import ETATS_MODIFIABLES, Etat
from operations.services import operation_creer, operation_transition
from operations.workflow import ActionRefusee, tirer_transition

from .models import (
    Analyse, AppelAProjets, Comite, DemandeComplements, NoteCritere, PieceDeposee, PointOrdreDuJour, Reponse,
    VerificationRecevabilite,
)
from .options import TRANSITION_DE_LA_DECISION, Decision, EtatAppel, EtatComite
from .selectors import enveloppe_consommee, montant_fse_demande
from .tasks import generer_documents_du_comite


def _exiger(condition: bool, message: str):
    if not condition:
        raise ActionRefusee(message)


# --- Appel ---

def appel_transition(*, appel: AppelAProjets, nom: str, user, motivation: str = "") -> AppelAProjets:
    tirer_transition(objet=appel, nom=nom, user=user, motivation=motivation)
    return appel


def appels_clore_echus() -> list[int]:
    """Tâche planifiée : clôt les dépôts des appels publiés dont la date limite est passée."""
    clos = []
    for appel in AppelAProjets.objects.filter(etat=EtatAppel.PUBLIE, date_limite__lt=timezone.now()):
        tirer_transition(objet=appel, nom="clore", user=None, motivation="Date limite de dépôt atteinte", par_le_systeme=True)
        clos.append(appel.pk)
    return clos


# --- Réponse du porteur ---

def reponse_creer(*, appel: AppelAProjets, user, intitule: str = "", type_operation=None, date_debut=None, date_fin=None,
                  description="") -> Reponse:
    """Le porteur répond à un appel ouvert : une opération en brouillon (incomplète si l'on veut), liée à l'appel."""
    _exiger(a_role(user, Role.PORTEUR) and user.structure_id, "Seul un porteur rattaché à une structure peut répondre.")
    _exiger(appel.depot_ouvert, f"L'appel « {appel} » n'est pas ouvert aux dépôts.")
    _exiger(type_operation is None or appel.types.filter(pk=type_operation.pk).exists(),
            f"L'appel ne concerne pas le type « {type_operation} ».")
    with transaction.atomic():
        operation = operation_creer(
            user=user, porteur=user.structure, plie=appel.plie, date_debut=date_debut, date_fin=date_fin,
            programme=appel.programme,
            intitule=intitule, type=type_operation, description=description,
        )
        return Reponse.objects.create(appel=appel, operation=operation)


def piece_deposer(*, reponse: Reponse, fichier, user, piece_requise=None) -> PieceDeposee:
    operation = reponse.operation
    _exiger(a_role(user, Role.PORTEUR) and user.structure_id == operation.porteur_id,
            "Seul le porteur de l'opération peut déposer des pièces.")
    _exiger(operation.etat in ETATS_MODIFIABLES, "Les pièces ne se modifient plus une fois la demande déposée.")
    _exiger(piece_requise is None or piece_requise.appel_id == reponse.appel_id, "Cette pièce n'est pas demandée par l'appel.")
    try:
        type_mime = verifier_fichier(fichier, libelle="La pièce")
    except ValidationError as erreur:
        raise ActionRefusee(" ".join(erreur.messages)) from None
    return PieceDeposee.objects.create(
        reponse=reponse, piece_requise=piece_requise, fichier=fichier, nom_original=fichier.name[:250],
        type_mime=type_mime, taille=fichier.size, deposee_par=user,
    )


def piece_retirer(*, piece: PieceDeposee, user) -> None:
    operation = piece.reponse.operation
    _exiger(a_role(user, Role.PORTEUR) and user.structure_id == operation.porteur_id and operation.etat in ETATS_MODIFIABLES,
            "Cette pièce ne peut plus être retirée.")
    piece.fichier.delete(save=False)
    piece.delete()


# --- Recevabilité ---

def verification_enregistrer(*, reponse: Reponse, libelle: str, conforme: bool, commentaire: str, user):
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation vérifie la recevabilité.")
    _exiger(reponse.operation.etat == Etat.DEPOSEE, "La recevabilité se vérifie sur une demande déposée.")
    _exiger(bool(libelle.strip()), "Indiquez ce qui a été vérifié.")
    return VerificationRecevabilite.objects.create(reponse=reponse, libelle=libelle.strip(), conforme=conforme,
                                                   commentaire=commentaire, par=user)


def complements_demander(*, reponse: Reponse, objet: str, date_limite, user) -> DemandeComplements:
    """Garde la demande et renvoie l'opération au porteur (transition motivée par ce qui est demandé)."""
    _exiger(bool((objet or "").strip()), "Précisez les compléments demandés.")
    _exiger(date_limite and date_limite >= timezone.localdate(), "La date limite des compléments doit être à venir.")
    with transaction.atomic():
        demande = DemandeComplements.objects.create(reponse=reponse, objet=objet.strip(), date_limite=date_limite, demandee_par=user)
        operation_transition(operation=reponse.operation, nom="demander_complements", user=user,
                             motivation=f"{objet.strip()} (avant le {date_limite:%d/%m/%Y})")
    return demande


def complements_fournir(*, reponse: Reponse, texte: str, user) -> DemandeComplements:
    """Le porteur répond à la dernière demande et redépose sa demande."""
    demande = reponse.demandes_complements.filter(repondue_le__isnull=True).first()
    _exiger(demande is not None, "Aucune demande de compléments n'attend de réponse.")
    _exiger(bool((texte or "").strip()), "Décrivez les compléments apportés.")
    with transaction.atomic():
        demande.reponse_porteur, demande.repondue_par, demande.repondue_le = texte.strip(), user, timezone.now()
        demande.save()
        operation_transition(operation=reponse.operation, nom="completer", user=user, motivation=texte.strip())
    return demande


# --- Analyse ---

def analyse_enregistrer(*, reponse: Reponse, user, avis: str, montant_fse_propose: Decimal, commentaire: str,
                        notes: dict) -> Analyse:
    """`notes` : {critère: (note, commentaire)} ; toute la grille doit être notée."""
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation analyse les demandes.")
    _exiger(reponse.operation.etat == Etat.EN_INSTRUCTION, "L'analyse se saisit pendant l'instruction.")
    criteres = set(reponse.appel.criteres.all())
    _exiger(set(notes) == criteres, "Chaque critère de la grille doit recevoir une note.")
    demande = montant_fse_demande(reponse.operation)
    _exiger(montant_fse_propose <= demande,
            f"Le montant FSE proposé ({euros(montant_fse_propose)}) dépasse le montant demandé ({euros(demande)}).")
    with transaction.atomic():
        analyse, _ = Analyse.objects.update_or_create(
            reponse=reponse, analyste=user,
            defaults={"avis": avis, "montant_fse_propose": montant_fse_propose, "commentaire": commentaire},
        )
        for critere, (note, remarque) in notes.items():
            NoteCritere.objects.update_or_create(analyse=analyse, critere=critere, defaults={"note": note, "commentaire": remarque})
    return analyse


# --- Comité ---

def comite_transition(*, comite: Comite, nom: str, user, motivation: str = "") -> Comite:
    if nom == "valider_pv":
        return comite_valider_pv(comite=comite, user=user)
    tirer_transition(objet=comite, nom=nom, user=user, motivation=motivation)
    return comite


def point_ajouter(*, comite: Comite, reponse: Reponse, user) -> PointOrdreDuJour:
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation prépare l'ordre du jour.")
    _exiger(comite.etat in (EtatComite.PLANIFIE, EtatComite.CONVOQUE), "L'ordre du jour d'un comité tenu est figé.")
    _exiger(reponse.operation.plie_id == comite.plie_id,
            f"{reponse.operation.code} relève d'un autre PLIE que ce comité : elle ne peut pas être inscrite à son "
            "ordre du jour.")
    _exiger(reponse.operation.etat == Etat.INSTRUITE, f"{reponse.operation.code} n'est pas instruite : elle ne peut pas passer en comité.")
    _exiger(not PointOrdreDuJour.objects.filter(reponse=reponse, comite__etat__in=[EtatComite.PLANIFIE, EtatComite.CONVOQUE, EtatComite.TENU]).exists(),
            f"{reponse.operation.code} est déjà à l'ordre du jour d'un comité.")
    rang = (comite.points.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
    return PointOrdreDuJour.objects.create(comite=comite, reponse=reponse, ordre=rang)


def point_retirer(*, point: PointOrdreDuJour, user) -> None:
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation prépare l'ordre du jour.")
    _exiger(point.comite.etat in (EtatComite.PLANIFIE, EtatComite.CONVOQUE), "L'ordre du jour d'un comité tenu est figé.")
    point.delete()


def decision_enregistrer(*, point: PointOrdreDuJour, decision: str, montant_vote: Decimal | None, motivation: str,
                         confirmer_depassement: bool, user) -> PointOrdreDuJour:
    """Une décision du comité, contrôlée ; dépasser l'enveloppe de l'appel exige une confirmation explicite, gardée."""
    comite, operation = point.comite, point.reponse.operation
    _exiger(a_role(user, Role.COMITE) and comite.membres.filter(pk=user.pk).exists(),
            "Seuls les membres de ce comité enregistrent ses décisions.")
    _exiger(comite.etat in (EtatComite.CONVOQUE, EtatComite.TENU), "Les décisions s'enregistrent pendant la séance.")
    _exiger(decision in Decision.values, "Choisissez une décision.")
    motivation = (motivation or "").strip()
    if decision == Decision.PROGRAMMEE:
        _exiger(montant_vote is not None and montant_vote > 0, f"{operation.code} : indiquez le montant FSE voté.")
        demande = montant_fse_demande(operation)
        _exiger(montant_vote <= demande,
                f"{operation.code} : le montant voté ({euros(montant_vote)}) dépasse le montant demandé ({euros(demande)}).")
        depasse_le_taux = taux_maximum_depasse(operation.programme, montant_vote, operation.total_depenses)
        _exiger(depasse_le_taux is None, f"{operation.code} : {depasse_le_taux}")
    else:
        _exiger(bool(motivation), f"{operation.code} : la motivation est obligatoire pour « {Decision(decision).label} ».")
        montant_vote = None
    appel = point.reponse.appel
    apres = enveloppe_consommee(appel, sauf_point=point) + (montant_vote or 0)
    depasse = montant_vote is not None and apres > appel.enveloppe_fse  # ajourner ou rejeter ne consomme rien
    _exiger(not depasse or confirmer_depassement,
            f"{operation.code} : avec ce vote, l'enveloppe FSE de l'appel ({euros(appel.enveloppe_fse)}) serait dépassée "
            f"de {euros(apres - appel.enveloppe_fse)}. Confirmez explicitement le dépassement pour l'enregistrer.")
    point.decision, point.montant_vote, point.motivation = decision, montant_vote, motivation
    point.depassement_confirme = depasse
    point.decidee_par, point.decidee_le = user, timezone.now()
    point.save()
    return point


def comite_valider_pv(*, comite: Comite, user) -> Comite:
    """Valide le PV : chaque opération prend l'état décidé, puis PV, lettres et courriels partent après commit."""
    _exiger(comite.membres.filter(pk=user.pk).exists(), "Seul un membre de ce comité valide son procès-verbal.")
    with transaction.atomic():
        tirer_transition(objet=comite, nom="valider_pv", user=user)
        for point in comite.points.select_related("reponse__operation"):
            operation = Operation.objects.get(pk=point.reponse.operation_id)
            operation_transition(operation=operation, nom=TRANSITION_DE_LA_DECISION[point.decision], user=user,
                                 motivation=point.motivation or f"Montant FSE voté : {euros(point.montant_vote)}")
        generer_documents_du_comite.delay_on_commit(comite.pk, user.pk)
    return comite




# --- Rédaction de l'appel (pages de l'équipe d'animation) ---

def appel_enregistrer(*, appel: AppelAProjets, user, formulaire, formsets) -> AppelAProjets:
    """Enregistre l'appel en brouillon, ses pièces à joindre, sa grille et ses pièces jointes : tout ou rien."""
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation rédige les appels à projets.")
    _exiger(appel.etat == EtatAppel.BROUILLON,
            f"Un appel à l'état « {appel.get_etat_display()} » n'est plus modifiable.")
    retires = []
    with transaction.atomic():
        appel = formulaire.save(commit=False)
        if appel.pk is None:
            appel.cree_par, appel.plie = user, plie_courant(user)
            _exiger(appel.plie is not None, CHOISIR_UN_PLIE)
        appel.save()
        formulaire.save_m2m()
        for formset in formsets:
            formset.instance = appel
            rangs = {id(f.instance): rang for rang, f in enumerate(formset.forms, start=1)}
            for objet in formset.save(commit=False):
                if hasattr(objet, "ordre"):
                    objet.ordre = rangs.get(id(objet), objet.ordre)
                objet.save()
            for objet in formset.deleted_objects:
                if getattr(objet, "fichier", None):
                    retires.append(objet.fichier)
                objet.delete()

        def effacer_les_fichiers():  # du disque, une fois la suppression validée en base seulement
            for fichier in retires:
                fichier.delete(save=False)

        transaction.on_commit(effacer_les_fichiers)
    return appel
