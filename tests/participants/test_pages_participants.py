"""La fiche d'un participant : dans le périmètre de la structure qui le suit, chaque lecture tracée, les données
sensibles réservées aux rôles qui en ont besoin, les critères de sortie positive déjà remplis avec leurs étapes."""
from datetime import date, timedelta

from django.urls import reverse

from annuaire.roles import Role
from participants.models import Consultation, Etape, MotifSortie, TypeEtape
from tests.factories import utilisateur

from .test_realisation import participant


def test_fiche_perimetre_trace_et_donnees_sensibles(structure, autre_structure, referent, porteur, porteur_autre, animation,
                                                    client):
    suivi = participant(structure, date(2016, 1, 10))
    suivi.beneficiaire_rsa = True
    suivi.save()
    adresse = reverse("participants:fiche", args=[suivi.pk])

    client.force_login(referent)
    page = client.get(adresse).content.decode()
    assert "Bénéficiaire du RSA" in page
    client.force_login(porteur)
    page = client.get(adresse).content.decode()
    assert "Bénéficiaire du RSA" not in page and "ne sont visibles que des référents" in page
    client.force_login(porteur_autre)
    assert client.get(adresse).status_code == 404
    assert client.get(reverse("participants:liste")).content.decode().count(suivi.nom) == 0
    client.force_login(porteur)
    assert suivi.nom in client.get(reverse("participants:liste")).content.decode()  # la liste est une lecture aussi

    assert list(Consultation.objects.filter(participant=suivi).values_list("par", flat=True).order_by("pk")) == [
        referent.pk, porteur.pk, porteur.pk]
    client.force_login(animation)
    assert "Dernières consultations de cette fiche" in client.get(adresse).content.decode()


def test_les_criteres_remplis_sont_proposes_avec_leurs_etapes(structure, client, animation):
    suivi = participant(structure, date(2015, 1, 10))
    debut = date.today() - timedelta(days=200)
    Etape.objects.create(participant=suivi, type=TypeEtape.objects.get(code="CDI"), date_debut=debut)
    client.force_login(animation)
    page = client.get(reverse("participants:fiche", args=[suivi.pk])).content.decode()
    assert "CDI depuis au moins 6 mois dans l&#x27;entreprise" in page
    assert f"CDI du {debut:%d/%m/%Y}, en cours" in page and "Sortie proposable : « CDI »" in page


def test_la_fiche_nomme_motifs_et_etapes_par_leur_libelle(structure, client, animation):
    suivi = participant(structure, date(2015, 1, 10))
    debut = date.today() - timedelta(days=30)
    Etape.objects.create(participant=suivi, type=TypeEtape.objects.get(code="FORMATION_QUALIFIANTE"), date_debut=debut)
    client.force_login(animation)
    page = client.get(reverse("participants:fiche", args=[suivi.pk])).content.decode()
    assert "Sortie proposable : « Formation qualifiante »" in page
    assert f"Formation qualifiante du {debut:%d/%m/%Y}, en cours" in page
    assert "FORMATION_QUALIFIANTE" not in page.replace('value="', "")  # ni dans le texte ni dans une liste


def test_proposer_une_sortie_depuis_la_fiche_avec_sa_preuve_ou_en_derogation(structure, referent, animation, client):
    from participants.models import PropositionSortie

    prouve, sans_critere = participant(structure, date(2015, 1, 10)), participant(structure, date(2015, 1, 10))
    cdi = TypeEtape.objects.get(code="CDI")
    Etape.objects.create(participant=prouve, type=cdi, date_debut=date(2015, 10, 1))
    Etape.objects.create(participant=sans_critere, type=cdi, date_debut=date(2016, 4, 1))
    motif = MotifSortie.objects.get(code="CDI").pk
    client.force_login(referent)

    reponse = client.post(reverse("participants:proposer_sortie", args=[prouve.pk]),
                          {"motif": motif, "date_sortie": "2016-06-30"}, follow=True)
    page = reponse.content.decode()
    assert "Sortie proposée : elle sera examinée" in page and "Sortie proposée</h3>" in page
    assert "Critère « CDI depuis au moins 6 mois dans l&#x27;entreprise » rempli le 31/03/2016" in page

    # Sans motivation, la sortie non prouvée est refusée : le champ est nommé, la saisie gardée.
    page = client.post(reverse("participants:proposer_sortie", args=[sans_critere.pk]),
                       {"motif": motif, "date_sortie": "2016-06-30"}).content.decode()
    assert '<a href="#id_motivation_derogation">Motivation de la dérogation : le critère « CDI depuis au moins 6 mois' in page
    assert 'value="2016-06-30"' in page and not PropositionSortie.objects.filter(participant=sans_critere).exists()
    page = client.post(reverse("participants:proposer_sortie", args=[sans_critere.pk]), {
        "motif": motif, "date_sortie": "2016-06-30", "motivation_derogation": "Embauche confirmée, période d'essai faite."},
        follow=True).content.decode()
    assert "Sortie proposée, en dérogation</h3>" in page and "non rempli au 30/06/2016" in page
    assert "Motivation de la dérogation : Embauche confirmée, période d&#x27;essai faite." in page

    client.force_login(animation)
    page = client.get(reverse("participants:commission")).content.decode()
    prouvees, derogations = page.split('id="titre-derogations"')
    assert "Sorties proposées (1)" in prouvees and "rempli le 31/03/2016" in prouvees
    assert "(1)</h2>" in derogations and "Embauche confirmée" in derogations and "non rempli au 30/06/2016" in derogations


def test_le_referent_complete_la_fiche_et_ajoute_une_etape_dans_le_parcours(structure, referent, porteur, client):
    from participants.models import Etape, TypeEtape

    suivi = participant(structure, date(2016, 1, 10), date(2016, 12, 20), "CDI")
    client.force_login(referent)
    hors_parcours = client.post(reverse("participants:ajouter_etape", args=[suivi.pk]), {
        "etape-type": TypeEtape.objects.get(code="INTERIM").pk, "etape-date_debut": "2017-01-05"}, follow=True)
    assert "hors du parcours du participant (entré le 10/01/2016, sorti le 20/12/2016)" in hors_parcours.content.decode()
    client.post(reverse("participants:ajouter_etape", args=[suivi.pk]), {
        "etape-type": TypeEtape.objects.get(code="INTERIM").pk, "etape-date_debut": "2016-06-01", "etape-heures": "70"})
    assert Etape.objects.get(participant=suivi).heures == 70

    client.post(reverse("participants:modifier", args=[suivi.pk]), {
        "nom": "Test", "prenom": "Personne", "sexe": "F", "date_naissance": "1980-01-01",
        "commune": suivi.commune_id, "prescripteur": suivi.prescripteur_id, "date_entree": "2016-01-10",
        "situation_entree": "DELD", "niveau_formation": "ISCED_0_2", "beneficiaire_rsa": "true", "rqth": "non",
        "menage_sans_emploi": "false", "enfants_a_charge": "true", "parent_isole": "false", "sans_domicile": "false"})
    suivi.refresh_from_db()
    assert (suivi.niveau_formation, suivi.beneficiaire_rsa, suivi.enfants_a_charge) == ("ISCED_0_2", True, True)

    client.force_login(porteur)  # le porteur voit la fiche mais ne la modifie pas
    refus = client.post(reverse("participants:ajouter_etape", args=[suivi.pk]), {
        "etape-type": TypeEtape.objects.get(code="CDI").pk, "etape-date_debut": "2016-07-01"}, follow=True)
    assert "Seuls le référent du participant et l&#x27;équipe d&#x27;animation" in refus.content.decode()


def test_le_questionnaire_fse_complet_et_les_coordonnees(structure, referent, porteur, client, caplog):
    import logging

    from participants.models import Participant

    suivi = participant(structure, date(2016, 1, 10))
    adresse = reverse("participants:modifier", args=[suivi.pk])
    client.force_login(referent)
    formulaire = client.get(adresse).content.decode()
    assert "Ne souhaite pas répondre" in formulaire and "<legend>Coordonnées</legend>" in formulaire
    champs = {"nom": "Test", "prenom": "Personne", "sexe": "F", "date_naissance": "1980-01-01",
              "commune": suivi.commune_id, "prescripteur": suivi.prescripteur_id, "date_entree": "2016-01-10",
              "situation_entree": "INACTIF", "etudes_ou_formation": "false", "niveau_formation": "ISCED_0_2",
              "beneficiaire_rsa": "true", "rqth": "refus", "menage_sans_emploi": "false", "enfants_a_charge": "true",
              "parent_isole": "true", "sans_domicile": "false", "ressortissant_pays_tiers": "false",
              "origine_etrangere": "refus", "minorite": "non", "autre_defavorise": "non", "zone_rurale": "false",
              "situation_sortie": "", "qualification_obtenue": "unknown",
              "telephone": "06.12.34.56", "courriel": "", "contact_nom": "Sa sœur", "contact_telephone": "",
              "contact_courriel": "soeur@exemple.fr"}
    refus = client.post(adresse, champs).content.decode()
    assert "n&#x27;est pas un numéro français à dix chiffres" in refus
    assert Participant.objects.get(pk=suivi.pk).telephone == ""  # rien n'est changé
    with caplog.at_level(logging.DEBUG):
        client.post(adresse, {**champs, "telephone": "+33 6 12 34 56 78"})
    suivi.refresh_from_db()
    assert (suivi.telephone, suivi.contact_courriel, suivi.rqth, suivi.origine_etrangere, suivi.etudes_ou_formation) == (
        "06 12 34 56 78", "soeur@exemple.fr", "refus", "refus", False)
    # Coordonnées et réponses sensibles ne vont jamais dans les journaux.
    assert "06 12 34 56 78" not in caplog.text and "soeur@exemple.fr" not in caplog.text

    fiche = reverse("participants:fiche", args=[suivi.pk])
    page = client.get(fiche).content.decode()
    assert "06 12 34 56 78" in page and "Sa sœur · soeur@exemple.fr" in page
    assert "<dt>D'origine étrangère</dt><dd>Ne souhaite pas répondre</dd>" in page
    client.force_login(porteur)  # le porteur voit la fiche, pas les réponses sensibles
    page = client.get(fiche).content.decode()
    assert "origine étrangère" not in page and "Handicap reconnu" not in page
