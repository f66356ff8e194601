"""Écritures du parcours : proposer une sortie, la décider en commission (toutes les décisions d'une séance ensemble)."""
from datetime import date

from django.db import transaction

from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.workflow import ActionRefusee, tirer_transition

from .models import EtatProposition, MotifSortie, Participant, PropositionSortie


def sortie_proposer(*, participant: Participant, motif: MotifSortie, date_sortie: date, justification: str,
                    user) -> PropositionSortie:
    roles = roles_de(user)
    de_la_structure = roles & ROLES_DE_STRUCTURE and user.structure_id == participant.structure_referent_id
    if not (Role.ANIMATION in roles or (Role.REFERENT in roles and de_la_structure)):
        raise ActionRefusee("Seuls le référent du participant et l'équipe d'animation proposent une sortie.")
    if participant.date_sortie is not None:
        raise ActionRefusee(f"{participant} est déjà sorti(e) le {participant.date_sortie:%d/%m/%Y}.")
    if date_sortie < participant.date_entree:
        raise ActionRefusee("La date de sortie proposée précède l'entrée dans le PLIE.")
    if participant.propositions_sortie.filter(etat=EtatProposition.PROPOSEE).exists():
        raise ActionRefusee("Une sortie est déjà proposée pour ce participant : la commission ne l'a pas encore examinée.")
    return PropositionSortie.objects.create(participant=participant, motif=motif, date_sortie=date_sortie,
                                            justification=(justification or "").strip(), proposee_par=user)


def commission_de_sortie(*, decisions: list[tuple[PropositionSortie, str, str]], user) -> int:
    """Chaque (proposition, "valider" ou "refuser", motivation) ; tout ou rien. Une sortie validée fait sortir le
    participant à la date et pour le motif proposés."""
    with transaction.atomic():
        for proposition, nom, motivation in decisions:
            tirer_transition(objet=proposition, nom=nom, user=user, motivation=motivation)
            if nom == "valider":
                Participant.objects.filter(pk=proposition.participant_id).update(
                    date_sortie=proposition.date_sortie, motif_sortie=proposition.motif)
    return len(decisions)
