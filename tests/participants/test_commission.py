"""Proposer une sortie, la décider en commission : une sortie positive se prouve par le critère de son motif (preuve
figée sur la proposition), sinon elle part en dérogation motivée ; une décision par ligne, tout ou rien."""
from datetime import date

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from operations.workflow import ActionRefusee
from participants.models import Etape, EtatProposition, MotifSortie, Participant, PropositionSortie, TypeEtape
from participants.services import ChampRefuse, commission_de_sortie, sortie_proposer

from .test_realisation import participant


def motif(code="CDI"):
    return MotifSortie.objects.get(code=code)


def etape(suivi, code, debut, fin=None):
    return Etape.objects.create(participant=suivi, type=TypeEtape.objects.get(code=code), date_debut=debut, date_fin=fin)


def en_cdi_depuis(structure, debut, entree=date(2015, 1, 5)):
    suivi = participant(structure, entree)
    etape(suivi, "CDI", debut)
    return suivi


def test_une_sortie_positive_porte_la_preuve_de_son_critere(structure, referent):
    suivi = en_cdi_depuis(structure, date(2015, 10, 1))
    etape(suivi, "ACTION_PLIE", date(2015, 3, 2), date(2015, 4, 30))  # ne prouve rien pour un CDI
    proposition = sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30),
                                  justification="Contrat et bulletins de salaire", user=referent)
    assert not proposition.derogation and proposition.motivation_derogation == ""
    preuve = proposition.preuve_lue
    # Critère « CDI » (criteres_sortie.json, rapport d'activité partie 4) : 183 jours de présence ; le 183e jour d'un
    # CDI commencé le 01/10/2015 est le 31/03/2016.
    assert (preuve.critere, preuve.rempli_le) == ("CDI depuis au moins 6 mois dans l'entreprise", date(2016, 3, 31))
    assert [(e.libelle, e.debut, e.fin) for e in preuve.etapes] == [("CDI", date(2015, 10, 1), None)]

    # Figée : ce que le référent a vu, même si les étapes changent ensuite.
    suivi.etapes.all().delete()
    assert PropositionSortie.objects.get(pk=proposition.pk).preuve_lue == preuve


def test_un_critere_non_rempli_exige_une_motivation_et_part_en_derogation(structure, referent):
    suivi = en_cdi_depuis(structure, date(2016, 3, 1))  # quatre mois de CDI au 30/06/2016
    with pytest.raises(ChampRefuse) as refus:
        sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                        user=referent, motivation_derogation="  ")
    assert str(refus.value).startswith("Motivation de la dérogation : le critère « CDI depuis au moins 6 mois dans "
                                       "l'entreprise » n'est pas rempli au 30/06/2016")
    assert refus.value.champ == "motivation_derogation" and not PropositionSortie.objects.exists()

    proposition = sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                                  user=referent, motivation_derogation="Période d'essai validée, embauche confirmée.")
    assert proposition.derogation and proposition.motivation_derogation == "Période d'essai validée, embauche confirmée."
    preuve = proposition.preuve_lue
    assert not preuve.remplie and preuve.au == date(2016, 6, 30)
    assert [(e.type, e.debut) for e in preuve.etapes] == [("CDI", date(2016, 3, 1))]  # ce qui existe, montré quand même


def test_chaque_motif_a_son_critere_et_ses_etapes(structure, referent):
    """Le motif se prouve par son propre critère : six mois d'intérim ne prouvent pas un CDI."""
    suivi = participant(structure, date(2015, 1, 5))
    for mois in range(1, 8):
        etape(suivi, "INTERIM", date(2016, mois, 1), date(2016, mois, 28))  # 7 missions de 28 jours : 196 jours
    with pytest.raises(ChampRefuse):
        sortie_proposer(participant=suivi, motif=motif("CDI"), date_sortie=date(2016, 9, 30), justification="",
                        user=referent)
    interim = sortie_proposer(participant=suivi, motif=motif("INTERIM_6M"), date_sortie=date(2016, 9, 30),
                              justification="", user=referent)
    # 183 jours d'intérim atteints pendant la 7e mission : 6 × 28 = 168, plus 15 jours de juillet.
    assert not interim.derogation and interim.preuve_lue.rempli_le == date(2016, 7, 15)
    assert len(interim.preuve_lue.etapes) == 7


def test_le_senior_en_chantier_depend_de_son_age(structure, referent):
    jeune = participant(structure, date(2015, 1, 5))  # né en 1980 : 36 ans
    etape(jeune, "CHANTIER_INSERTION", date(2015, 6, 1), date(2016, 5, 31))
    with pytest.raises(ChampRefuse):
        sortie_proposer(participant=jeune, motif=motif("SENIOR_CHANTIER"), date_sortie=date(2016, 6, 30),
                        justification="", user=referent)
    Participant.objects.filter(pk=jeune.pk).update(date_naissance=date(1958, 1, 1))
    jeune.refresh_from_db()
    senior = sortie_proposer(participant=jeune, motif=motif("SENIOR_CHANTIER"), date_sortie=date(2016, 6, 30),
                             justification="", user=referent)
    assert senior.preuve_lue.remplie and senior.preuve_lue.commission  # au cas par cas, en commission


def test_une_sortie_qui_n_est_pas_positive_ne_demande_pas_de_preuve(structure, referent):
    suivi = participant(structure, date(2015, 1, 5))
    proposition = sortie_proposer(participant=suivi, motif=motif("DEMENAGEMENT"), date_sortie=date(2016, 6, 30),
                                  justification="", user=referent, motivation_derogation="sans objet")
    assert (proposition.preuve, proposition.derogation, proposition.motivation_derogation) == (None, False, "")


def test_une_etape_en_cours_ne_prouve_pas_les_jours_a_venir(structure, referent):
    from datetime import timedelta

    suivi = en_cdi_depuis(structure, date.today() - timedelta(days=100))
    with pytest.raises(ChampRefuse):  # dans 100 jours le CDI aura 200 jours, mais ils ne sont pas vécus
        sortie_proposer(participant=suivi, motif=motif(), date_sortie=date.today() + timedelta(days=100),
                        justification="", user=referent)


def test_valider_une_derogation_exige_la_motivation_de_la_commission(structure, referent, animation):
    prouvee = en_cdi_depuis(structure, date(2015, 10, 1))
    sans_critere = en_cdi_depuis(structure, date(2016, 3, 1))
    p1 = sortie_proposer(participant=prouvee, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                         user=referent)
    p2 = sortie_proposer(participant=sans_critere, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                         user=referent, motivation_derogation="Embauche confirmée par l'employeur.")
    with pytest.raises(ActionRefusee, match="motivation de la commission est obligatoire pour valider une sortie en "
                                            "dérogation"):
        commission_de_sortie(decisions=[(p1, "valider", ""), (p2, "valider", "")], user=animation)
    # Tout ou rien : la première décision n'a pas été gardée.
    assert set(PropositionSortie.objects.values_list("etat", flat=True)) == {EtatProposition.PROPOSEE}
    assert not Participant.objects.filter(date_sortie__isnull=False).exists()

    p1, p2 = PropositionSortie.objects.get(pk=p1.pk), PropositionSortie.objects.get(pk=p2.pk)
    commission_de_sortie(decisions=[(p1, "valider", ""), (p2, "valider", "Attestation de l'employeur vue en séance.")],
                         user=animation)
    assert Participant.objects.filter(date_sortie=date(2016, 6, 30), motif_sortie__code="CDI").count() == 2
    journal = StateLog.objects.get(object_id=p2.pk, transition="valider")
    assert (journal.by, journal.description) == (animation, "Attestation de l'employeur vue en séance.")


def test_le_referent_propose_l_animation_decide_en_commission(structure, referent, animation, client):
    premier = en_cdi_depuis(structure, date(2015, 10, 1))
    second = en_cdi_depuis(structure, date(2015, 11, 1), entree=date(2015, 2, 5))
    for suivi in (premier, second):
        sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30), justification="CDI de 6 mois",
                        user=referent)
    with pytest.raises(ActionRefusee, match="déjà proposée"):
        sortie_proposer(participant=premier, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                        user=referent)

    client.force_login(animation)
    p1, p2 = PropositionSortie.objects.order_by("pk")
    # Un refus sans motivation : rien n'est enregistré, la page le dit et garde ce qui a été choisi.
    page = client.post(reverse("participants:commission"), {f"decision-{p1.pk}": "valider", f"decision-{p2.pk}": "refuser"})
    assert "la motivation est obligatoire pour refuser" in page.content.decode()
    assert '<option value="valider" selected>' in page.content.decode()
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
            sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30), justification="", user=user)


def test_seule_l_animation_decide(structure, referent):
    suivi = en_cdi_depuis(structure, date(2015, 10, 1))
    proposition = sortie_proposer(participant=suivi, motif=motif(), date_sortie=date(2016, 6, 30), justification="",
                                  user=referent)
    with pytest.raises(ActionRefusee, match="Réservé à : équipe d'animation"):
        commission_de_sortie(decisions=[(proposition, "valider", "")], user=referent)
    assert PropositionSortie.objects.get().etat == EtatProposition.PROPOSEE
