"""Dans un vrai navigateur : la commission de sortie décide dix propositions en un tableau. Un refus sans motivation est
refusé : la ligne fautive est nommée et montrée, les neuf autres choix restent tels qu'ils ont été faits ; corrigée,
la commission s'enregistre en un envoi.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape.
"""
from datetime import date

import pytest
from playwright.sync_api import expect

from annuaire.roles import Role
from participants.models import EtatProposition, MotifSortie, PropositionSortie
from participants.services import sortie_proposer
from tests.e2e.parcours import capturer, se_connecter
from tests.e2e.test_accessibilite import violations
from tests.factories import StructureFactory, utilisateur
from tests.participants.test_commission import en_cdi_depuis

pytestmark = [pytest.mark.navigateur, pytest.mark.accessibilite, pytest.mark.django_db(transaction=True)]

PRENOMS = ["Lina", "Paul", "Inès", "Hugo", "Léa", "Nora", "Yanis", "Chloé", "Sami", "Emma"]


def test_dix_decisions_une_erreur_les_neuf_autres_gardees(page, live_server):
    structure = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")
    referent = utilisateur(Role.REFERENT, structure=structure, username="referente")
    utilisateur(Role.ANIMATION, username="coordinatrice", first_name="Claire", last_name="Morel")
    for prenom in PRENOMS:
        suivi = en_cdi_depuis(structure, date(2015, 10, 1))
        suivi.prenom, suivi.nom = prenom, "Martin"
        suivi.save()
        sortie_proposer(participant=suivi, motif=MotifSortie.objects.get(code="CDI"), date_sortie=date(2016, 6, 30),
                        justification="Contrat de travail", user=referent)

    se_connecter(page, live_server, "coordinatrice")
    page.get_by_role("link", name="Commission de sortie").click()
    choix = {prenom: "Valider" for prenom in PRENOMS}
    choix.update({"Hugo": "Refuser", "Sami": "Refuser"})
    for prenom, decision in choix.items():
        page.get_by_label(f"Décision pour {prenom} Martin").select_option(label=decision)
    page.get_by_label("Motivation pour Hugo Martin").fill("Période d'essai en cours.")
    page.get_by_role("button", name="Enregistrer les décisions").click()  # Sami est refusé sans motivation

    alerte = page.get_by_role("alert")
    expect(alerte).to_contain_text("1 erreur : aucune décision n'a été enregistrée ; vos autres choix sont gardés")
    expect(alerte).to_contain_text("Sami Martin")
    expect(alerte).to_contain_text("la motivation est obligatoire pour refuser une sortie")
    expect(page.locator("tr.ligne-en-erreur")).to_have_count(1)
    expect(page.locator("tr.ligne-en-erreur")).to_contain_text("Sami Martin")
    for prenom, decision in choix.items():
        expect(page.get_by_label(f"Décision pour {prenom} Martin")).to_have_value(decision.lower())
    expect(page.get_by_label("Motivation pour Hugo Martin")).to_have_value("Période d'essai en cours.")
    assert set(PropositionSortie.objects.values_list("etat", flat=True)) == {EtatProposition.PROPOSEE}
    capturer(page, "01-une-ligne-fautive-les-autres-gardees")
    page.set_viewport_size({"width": 390, "height": 800})  # le tableau défile dans son cadre, pas la page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not violations(page), violations(page)  # axe-core : rien de grave, erreurs montrées comprises

    # Le lien du résumé mène au champ fautif ; on le corrige et on envoie.
    alerte.get_by_role("link").click()
    expect(page.get_by_label("Motivation pour Sami Martin")).to_be_focused()
    page.keyboard.type("Contrat non signé à la date de sortie.")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_role("status")).to_contain_text("10 décision(s) enregistrée(s).")
    assert PropositionSortie.objects.filter(etat=EtatProposition.VALIDEE).count() == 8
    assert PropositionSortie.objects.filter(etat=EtatProposition.REFUSEE).count() == 2
    capturer(page, "02-commission-enregistree")
