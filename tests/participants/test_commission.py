"""Proposer une sortie, la décider en commission : une décision par ligne, tout ou rien, le parcours avance."""
from datetime import date

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from operations.workflow import ActionRefusee
from participants.models import EtatProposition, MotifSortie, Participant, PropositionSortie
from participants.services import commission_de_sortie, sortie_proposer

from .test_realisation import participant


def cdi():
    return MotifSortie.objects.get(code="CDI")


def test_le_referent_propose_l_animation_decide_en_commission(structure, referent, animation, client):
    premier, second = participant(structure, date(2015, 1, 5)), participant(structure, date(2015, 2, 5))
    for suivi in (premier, second):
        sortie_proposer(participant=suivi, motif=cdi(), date_sortie=date(2016, 6, 30), justification="CDI de 6 mois",
                        user=referent)
    with pytest.raises(ActionRefusee, match="déjà proposée"):
        sortie_proposer(participant=premier, motif=cdi(), date_sortie=date(2016, 6, 30), justification="", user=referent)

    client.force_login(animation)
    p1, p2 = PropositionSortie.objects.order_by("pk")
    # Un refus sans motivation : rien n'est enregistré, la page le dit.
    page = client.post(reverse("participants:commission"), {f"decision-{p1.pk}": "valider", f"decision-{p2.pk}": "refuser"})
    assert "la motivation est obligatoire pour refuser" in page.content.decode()
    assert not Participant.objects.filter(date_sortie__isnull=False).exists()

    reponse = client.post(reverse("participants:commission"), {
        f"decision-{p1.pk}": "valider", f"decision-{p2.pk}": "refuser", f"motivation-{p2.pk}": "Période d'essai en cours."})
    assert reponse.status_code == 302
    premier.refresh_from_db()
    second.refresh_from_db()
    assert (premier.date_sortie, premier.motif_sortie.code) == (date(2016, 6, 30), "CDI") and second.date_sortie is None
    journal = StateLog.objects.get(object_id=p2.pk, transition="refuser")
    assert (journal.by, journal.description) == (animation, "Période d'essai en cours.")


def test_seuls_le_referent_de_la_structure_et_l_animation_proposent(structure, porteur_autre, comite):
    suivi = participant(structure, date(2015, 1, 5))
    for user in (porteur_autre, comite):
        with pytest.raises(ActionRefusee, match="Seuls le référent du participant"):
            sortie_proposer(participant=suivi, motif=cdi(), date_sortie=date(2016, 6, 30), justification="", user=user)


def test_seule_l_animation_decide(structure, referent):
    suivi = participant(structure, date(2015, 1, 5))
    proposition = sortie_proposer(participant=suivi, motif=cdi(), date_sortie=date(2016, 6, 30), justification="",
                                  user=referent)
    with pytest.raises(ActionRefusee, match="Réservé à : équipe d'animation"):
        commission_de_sortie(decisions=[(proposition, "valider", "")], user=referent)
    assert PropositionSortie.objects.get().etat == EtatProposition.PROPOSEE
