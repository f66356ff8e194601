"""Les séances d'une action et la présence de ses participants : planifier, inscrire, émarger, compter les heures.

Une présence ne se note que dans le parcours du participant (entre son entrée et sa sortie) : une feuille
d'émargement ne prouve rien pour quelqu'un qui n'était pas (ou plus) accompagné par le PLIE ce jour-là.
"""
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse

from annuaire.roles import Role, roles_de
from operations.models import Operation
from operations.options import Etat
from operations.workflow import ActionRefusee

from .models import Participant, Presence, Seance
from .options import StatutPresence
from .realisation import PORTAGE, population

ETATS_OU_L_ON_EMARGE = [Etat.CONVENTIONNEE, Etat.EN_REALISATION]


def exiger_porteur_ou_animation(operation: Operation, user):
    roles = roles_de(user)
    if not (Role.ANIMATION in roles or (Role.PORTEUR in roles and user.structure_id == operation.porteur_id)):
        raise ActionRefusee("Seuls le porteur de l'opération et l'équipe d'animation tiennent ses séances.")


def dans_le_parcours(participant: Participant, jour: date) -> bool:
    return participant.date_entree <= jour and (participant.date_sortie is None or jour <= participant.date_sortie)


def _hors_parcours(participant: Participant, jour: date) -> str | None:
    if dans_le_parcours(participant, jour):
        return None
    periode = f"entré(e) le {participant.date_entree:%d/%m/%Y}" + (
        f", sorti(e) le {participant.date_sortie:%d/%m/%Y}" if participant.date_sortie else "")
    return f"{participant.prenom} {participant.nom} : la séance du {jour:%d/%m/%Y} est hors de son parcours ({periode})."


def operations_ou_inscrire(participant: Participant):
    """Les opérations auxquelles rattacher une étape du participant : celles en réalisation, sauf le portage de
    référents d'une autre structure que celle qui le suit (ni brouillon, ni rejetée, ni soldée)."""
    return (Operation.objects.filter(etat=Etat.EN_REALISATION)
            .exclude(Q(type__code=PORTAGE) & ~Q(porteur_id=participant.structure_referent_id))
            .select_related("porteur").order_by("code"))


def inscriptibles(operation: Operation):
    """Les participants rattachés à l'opération (ceux que compte sa réalisation)."""
    return population(operation)


def seance_planifier(*, operation: Operation, user, date: date, demi_journee: str, heures: Decimal, lieu: str,
                     formateur: str, inscrits: list[Participant]) -> Seance:
    exiger_porteur_ou_animation(operation, user)
    erreurs = []
    if operation.etat not in ETATS_OU_L_ON_EMARGE:
        erreurs.append(f"{operation.code} est à l'état « {operation.get_etat_display()} » : pas de séance à planifier.")
    if not (operation.date_debut <= date <= operation.date_fin):
        erreurs.append(f"La séance du {date:%d/%m/%Y} est hors de la période de l'opération "
                       f"(du {operation.date_debut:%d/%m/%Y} au {operation.date_fin:%d/%m/%Y}).")
    possibles = set(inscriptibles(operation).values_list("pk", flat=True))
    for participant in inscrits:
        if participant.pk not in possibles:
            erreurs.append(f"{participant.prenom} {participant.nom} n'est pas rattaché(e) à {operation.code}.")
        elif raison := _hors_parcours(participant, date):
            erreurs.append(raison)
    if Seance.objects.filter(operation=operation, date=date, demi_journee=demi_journee).exists():
        erreurs.append(f"Une séance est déjà planifiée le {date:%d/%m/%Y} ({demi_journee.replace('_', '-')}).")
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    with transaction.atomic():
        seance = Seance.objects.create(operation=operation, date=date, demi_journee=demi_journee, heures=heures,
                                       lieu=lieu, formateur=formateur)
        seance.inscrits.set(inscrits)
    return seance


def presences_enregistrer(*, seance: Seance, user, statuts: dict[int, str]) -> int:
    """La grille d'une séance : {participant: présent, absent ou excusé}, tout ou rien, erreurs nommées."""
    exiger_porteur_ou_animation(seance.operation, user)
    inscrits = {p.pk: p for p in seance.inscrits.all()}
    erreurs = []
    for participant_id, statut in statuts.items():
        participant = inscrits.get(participant_id)
        if participant is None:
            erreurs.append(f"Le participant n° {participant_id} n'est pas inscrit à cette séance.")
        elif statut not in StatutPresence.values:
            erreurs.append(f"{participant.prenom} {participant.nom} : présence « {statut} » inconnue.")
        elif raison := _hors_parcours(participant, seance.date):
            erreurs.append(raison)
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    with transaction.atomic():
        for participant_id, statut in statuts.items():
            Presence.objects.update_or_create(seance=seance, participant_id=participant_id, defaults={"statut": statut})
    return len(statuts)


def heures_de_presence(operation: Operation, du: date, au: date) -> dict[int, Decimal]:
    """Les heures de présence de chaque participant aux séances de la période (un présent compte les heures de la
    séance ; absent ou excusé, rien)."""
    lignes = (Presence.objects.filter(seance__operation=operation, seance__date__range=(du, au),
                                      statut=StatutPresence.PRESENT)
              .values("participant").annotate(heures=Sum("seance__heures")))
    return {ligne["participant"]: ligne["heures"] for ligne in lignes}


def feuille_signee_deposer(*, seance: Seance, fichier, user) -> Seance:
    """Le scan de la feuille signée (PDF ou image, contrôlé sur son contenu) : la preuve de la présence pour le FSE."""
    from django.core.exceptions import ValidationError

    from annuaire.fichiers import verifier_fichier

    exiger_porteur_ou_animation(seance.operation, user)
    try:
        verifier_fichier(fichier, libelle="La feuille d'émargement")
    except ValidationError as erreur:
        raise ActionRefusee(erreur.messages[0]) from None
    extension = fichier.name[fichier.name.rfind("."):].lower()[:6] if "." in fichier.name else ""
    seance.feuille_signee.save(f"emargement-{seance.operation.code}-{seance.date:%Y%m%d}-{seance.demi_journee}{extension}",
                               fichier)
    return seance


def liens_de_la_fiche(operation: Operation, user) -> list[tuple[str, str]]:
    """Sur la fiche d'une opération conventionnée ou en réalisation : ses séances et l'émargement."""
    if operation.etat in ETATS_OU_L_ON_EMARGE or operation.seances.exists():
        return [("Séances et émargement", reverse("participants:seances", args=[operation.code]))]
    return []

