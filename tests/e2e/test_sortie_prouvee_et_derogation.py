"""Dans un vrai navigateur : le référent propose une sortie CDI dont le critère est rempli (la preuve s'affiche), puis
une sortie CDI dont il ne l'est pas (la motivation est exigée, la proposition part en dérogation) ; la commission de
sortie voit les deux à part et décide, la dérogation seulement avec sa propre motivation.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape.
"""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annuaire.roles import Role
from participants.models import Etape, EtatProposition, Participant, PropositionSortie, TypeEtape
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter
from tests.factories import StructureFactory, utilisateur
from tests.participants.test_realisation import participant

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

CRITERE = "CDI depuis au moins 6 mois dans l'entreprise"  # participants/referentiel/criteres_sortie.json


def suivi_en_cdi(structure, prenom, nom, depuis_jours):
    personne = participant(structure, date(2015, 1, 5))
    personne.prenom, personne.nom = prenom, nom
    personne.save()
    Etape.objects.create(participant=personne, type=TypeEtape.objects.get(code="CDI"),
                         date_debut=date.today() - timedelta(days=depuis_jours))
    return personne


def proposer_un_cdi(page):
    page.get_by_label("Motif de sortie").select_option(label="CDI")
    page.get_by_role("button", name="Proposer la sortie").click()


def test_une_sortie_prouvee_et_une_derogation_jusqu_a_la_commission(page, live_server):
    mission_locale = StructureFactory(nom="Mission locale", sigle="ML")
    utilisateur(Role.REFERENT, structure=mission_locale, username="referente", first_name="Claire", last_name="Morel")
    utilisateur(Role.ANIMATION, username="coordinatrice", first_name="Inès", last_name="Faure")
    anna = suivi_en_cdi(mission_locale, "Anna", "Martin", 200)
    bilal = suivi_en_cdi(mission_locale, "Bilal", "Benali", 100)
    aujourd_hui = date.today()

    # La référente propose la sortie d'Anna, en CDI depuis 200 jours : la preuve est jointe et s'affiche.
    se_connecter(page, live_server, "referente")
    page.goto(live_server.url + reverse("participants:fiche", args=[anna.pk]))
    expect(page.locator("#criteres")).to_contain_text("Sortie proposable : « CDI »")
    proposer_un_cdi(page)
    expect(page.get_by_role("status")).to_contain_text("Sortie proposée")
    rempli_le = aujourd_hui - timedelta(days=200) + timedelta(days=182)
    expect(page.locator("#proposition")).to_contain_text(f"Critère « {CRITERE} » rempli le {rempli_le:%d/%m/%Y}")
    capturer(page, "01-sortie-prouvee")

    # Bilal n'a que 100 jours de CDI : sans motivation, la proposition est refusée en nommant le champ.
    page.goto(live_server.url + reverse("participants:fiche", args=[bilal.pk]))
    expect(page.locator("#criteres")).to_contain_text("Aucun critère n'est rempli")
    proposer_un_cdi(page)
    expect(page.get_by_role("alert")).to_contain_text(
        f"Motivation de la dérogation : le critère « {CRITERE} » n'est pas rempli au {aujourd_hui:%d/%m/%Y}")
    capturer(page, "02-motivation-exigee")
    assert not PropositionSortie.objects.filter(participant=bilal).exists()
    page.get_by_label("Motivation de la dérogation").fill("Période d'essai validée, l'employeur confirme l'embauche.")
    page.get_by_role("button", name="Proposer la sortie").click()
    expect(page.locator("#proposition")).to_contain_text("Sortie proposée, en dérogation")
    expect(page.locator("#proposition")).to_contain_text(f"non rempli au {aujourd_hui:%d/%m/%Y}")
    capturer(page, "03-derogation-proposee")
    se_deconnecter(page)

    # La commission voit les deux à part : la sortie prouvée, la dérogation avec la motivation de la référente.
    se_connecter(page, live_server, "coordinatrice")
    page.get_by_role("link", name="Commission de sortie").click()
    prouvees, derogations = page.locator("#prouvees"), page.locator("#derogations")
    expect(prouvees.get_by_role("heading")).to_have_text("Sorties proposées (1)")
    expect(prouvees).to_contain_text("Anna Martin")
    expect(prouvees).to_contain_text(f"rempli le {rempli_le:%d/%m/%Y}")
    expect(derogations.get_by_role("heading")).to_have_text("Dérogations : critère non rempli à la date de sortie (1)")
    expect(derogations).to_contain_text("Bilal Benali")
    expect(derogations).to_contain_text("Période d'essai validée, l'employeur confirme l'embauche.")
    capturer(page, "04-commission")

    # Valider la dérogation sans motivation : rien n'est enregistré.
    page.get_by_label("Décision pour Anna Martin").select_option("valider")
    page.get_by_label("Décision pour Bilal Benali").select_option("valider")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "la motivation de la commission est obligatoire pour valider une sortie en dérogation")
    assert not Participant.objects.filter(date_sortie__isnull=False).exists()
    capturer(page, "05-motivation-de-la-commission-exigee")
    page.get_by_label("Motivation pour Bilal Benali").fill("Contrat et attestation de l'employeur vus en séance.")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_role("status")).to_contain_text("2 décision(s) enregistrée(s).")
    capturer(page, "06-decisions-enregistrees")

    assert set(PropositionSortie.objects.values_list("etat", flat=True)) == {EtatProposition.VALIDEE}
    assert Participant.objects.filter(date_sortie=aujourd_hui, motif_sortie__code="CDI").count() == 2

    # La fiche de Bilal garde la dérogation et sa motivation.
    page.goto(live_server.url + reverse("participants:fiche", args=[bilal.pk]))
    expect(page.get_by_role("heading", name="Sortie validée en commission, en dérogation")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Motivation de la dérogation : Période d'essai validée")
