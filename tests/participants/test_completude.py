"""La complétude des données FSE : par structure et par référent, les champs qui manquent, les fiches à compléter,
dans le périmètre de chacun."""
from datetime import date

from django.urls import reverse

from participants.completude import champs_manquants, completude

from .test_realisation import participant


def test_completude_par_structure_et_fiches_a_completer(structure, autre_structure, porteur, animation, client):
    complet = participant(structure, date(2016, 1, 4))
    for champ in ("beneficiaire_rsa", "rqth", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile"):
        setattr(complet, champ, False)
    complet.situation_entree, complet.niveau_formation = "DE", "ISCED_3_4"
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
