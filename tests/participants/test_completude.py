"""La complétude des données FSE : par structure et par référent, les champs qui manquent, les fiches à compléter,
dans le périmètre de chacun."""
from datetime import date

from django.urls import reverse

from participants.completude import champs_manquants, completude

from .test_realisation import participant


def test_completude_par_structure_et_fiches_a_completer(structure, autre_structure, porteur, animation, client):
    complet = participant(structure, date(2016, 1, 4))
    for champ in ("beneficiaire_rsa", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile",
                  "ressortissant_pays_tiers", "zone_rurale"):
        setattr(complet, champ, False)
    complet.rqth, complet.origine_etrangere, complet.autre_defavorise = "non", "non", "non"
    complet.minorite = "refus"  # « ne souhaite pas répondre » est une réponse : la fiche reste complète
    complet.situation_entree, complet.niveau_formation, complet.courriel = "DE", "ISCED_3_4", "p@exemple.fr"
    complet.save()
    incomplet = participant(structure, date(2016, 2, 4))
    incomplet.situation_entree = "DELD"
    incomplet.save()
    participant(autre_structure, date(2016, 3, 4))

    assert champs_manquants(complet) == []
    assert champs_manquants(incomplet)[:2] == ["niveau de formation", "RSA"]
    from participants.models import Participant
    (ligne,) = completude(Participant.objects.filter(structure_referent=structure), "structure_referent__nom")
    assert (ligne["total"], ligne["complets"], ligne["part"]) == (2, 1, 0.5)
    assert ("niveau de formation", 1) in ligne["manques"]

    client.force_login(porteur)  # le porteur ne voit que sa structure
    page = client.get(reverse("participants:completude")).content.decode()
    assert "1 fiche à compléter sur 2" in page and reverse("participants:fiche", args=[incomplet.pk]) in page
    client.force_login(animation)
    assert "2 fiches à compléter sur 3" in client.get(reverse("participants:completude")).content.decode()


def test_completude_par_operation(structure, animation, client):
    from operations.models import TypeOperation
    from operations.options import Etat
    from tests.factories import OperationFactory

    portage = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION,
                               type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    participant(structure, date(2016, 2, 4))
    client.force_login(animation)
    page = client.get(reverse("participants:completude")).content.decode()
    ligne = page[page.index(f">{portage.code}</a>"):]
    assert ligne.split("</tr>")[0].count('class="nombre">1<') == 1 and "niveau de formation (1)" in ligne.split("</tr>")[0]


def test_fiches_sans_contact_par_operation_avec_les_seuils_du_programme(structure, autre_structure, animation, porteur,
                                                                        client):
    import html

    from operations.models import TypeOperation
    from operations.options import Etat
    from participants.models import Participant
    from tests.factories import OperationFactory

    portage = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False,
                               type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    autre = OperationFactory(porteur=autre_structure, etat=Etat.EN_REALISATION, plan=False,
                             type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    # APSALC : 5 participants, 1 sans contact (20 % : le seuil d'alerte du programme FSE 2014-2020) ; un contact
    # désigné compte comme un contact. IRFA : 3 participants, 2 sans contact (66,7 % : au-delà de 35 %).
    for rang in range(5):
        p = participant(structure, date(2016, 2, 1))
        p.telephone, p.contact_courriel = ("06 12 34 56 78", "") if rang < 3 else ("", "soeur@exemple.fr")
        if rang == 4:
            p.contact_courriel = ""
        p.save()
    for rang in range(3):
        p = participant(autre_structure, date(2016, 2, 1))
        p.courriel = "p@exemple.fr" if rang == 0 else ""
        p.save()
    assert Participant.objects.filter(telephone="", courriel="", contact_courriel="").count() == 3

    client.force_login(animation)
    page = html.unescape(client.get(reverse("participants:completude")).content.decode())
    tableau = page[page.index('id="sans-contact"'):]
    ligne_apsalc = tableau[tableau.index(f">{portage.code}</a>"):].split("</tr>")[0]
    ligne_irfa = tableau[tableau.index(f">{autre.code}</a>"):].split("</tr>")[0]
    assert ">5<" in ligne_apsalc and ">1<" in ligne_apsalc and "20,0\u00a0%" in ligne_apsalc
    assert "seuil d'alerte atteint" in ligne_apsalc and "20\u00a0%, 35\u00a0%" in ligne_apsalc
    assert ">3<" in ligne_irfa and ">2<" in ligne_irfa and "66,7\u00a0%" in ligne_irfa
    assert "au-delà du seuil de correction" in ligne_irfa
    assert "1 opération au-delà du seuil de correction." in page and "1 opération au seuil d'alerte." in page

    client.force_login(porteur)  # le porteur ne voit que ses opérations
    page = client.get(reverse("participants:completude")).content.decode()
    assert f">{portage.code}</a>" in page and f">{autre.code}</a>" not in page


def test_les_fiches_a_completer_se_trient_par_nombre_de_manques(structure, animation, client):
    presque = participant(structure, date(2016, 1, 4))
    presque.nom = "Presque"
    for champ in ("beneficiaire_rsa", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile",
                  "ressortissant_pays_tiers", "zone_rurale"):
        setattr(presque, champ, False)
    presque.rqth, presque.origine_etrangere, presque.autre_defavorise, presque.minorite = "non", "non", "non", "refus"
    presque.situation_entree, presque.courriel = "DE", "p@exemple.fr"  # il ne lui manque que le niveau de formation
    presque.save()
    lacunaire = participant(structure, date(2016, 2, 4))
    lacunaire.nom = "Lacunaire"
    lacunaire.save()
    client.force_login(animation)
    url = reverse("participants:completude")

    def ordre(page):  # l'ordre d'apparition des deux fiches dans la page
        return sorted(("Presque", "Lacunaire"), key=page.index)

    page = client.get(url, {"tri": "-manques"}).content.decode()
    assert 'aria-sort="descending"><a href="?tri=manques">Manque</a>' in page
    assert ordre(page) == ["Lacunaire", "Presque"]  # la plus incomplète d'abord
    assert ordre(client.get(url, {"tri": "manques"}).content.decode()) == ["Presque", "Lacunaire"]
