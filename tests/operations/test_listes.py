"""Les listes : une seule colonne triée (aria-sort, une flèche), les états dans l'ordre du circuit, le code d'une
opération sans retour à la ligne, chaque liste paginée ; l'étape d'un participant ne se rattache qu'à une opération
où l'on peut l'inscrire."""
import re
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations.models import TypeOperation
from operations.options import Etat
from participants.models import Seance
from tests.factories import OperationFactory, StructureFactory
from tests.participants.test_realisation import participant


def aria_sort(page: str) -> list[tuple[str, str]]:
    return [(valeur, re.sub(r"<[^>]+>", "", libelle).strip())
            for valeur, libelle in re.findall(r'<th[^>]*aria-sort="(\w+)"[^>]*>(.*?)</th>', page, re.S)
            if valeur != "none"]


def test_la_liste_des_operations_une_fleche_et_les_etats_dans_l_ordre_du_circuit(client, animation, structure):
    for code, etat in [("OP-2016-501", Etat.SOLDEE), ("OP-2016-502", Etat.RECEVABLE), ("OP-2016-503", Etat.DEPOSEE),
                       ("OP-2016-504", Etat.EN_REALISATION)]:
        OperationFactory(code=code, porteur=structure, etat=etat)
    client.force_login(animation)
    page = client.get(reverse("operations:liste")).content.decode()
    assert aria_sort(page) == [("descending", "Début")]  # le code départage sans seconde flèche
    assert '<td class="code"><a href="/operations/OP-2016-501/">' in page
    page = client.get(reverse("operations:liste"), {"sort": "etat"}).content.decode()
    assert aria_sort(page) == [("ascending", "État")]
    # déposée, recevable, en réalisation, soldée (l'ordre des codes mettrait « en_realisation » avant « recevable »)
    assert re.findall(r">(OP-2016-50\d)<", page) == ["OP-2016-503", "OP-2016-502", "OP-2016-504", "OP-2016-501"]
    page = client.get(reverse("operations:liste"), {"sort": "-etat"}).content.decode()
    assert re.findall(r">(OP-2016-50\d)<", page) == ["OP-2016-501", "OP-2016-504", "OP-2016-502", "OP-2016-503"]


def test_le_filtre_des_porteurs_ne_propose_que_ceux_des_operations_visibles(client, animation, structure):
    sans_sigle = StructureFactory(nom="Régie <Quartiers> & Cie", sigle="")
    cachee = StructureFactory(nom="Structure au seul brouillon")
    OperationFactory(code="OP-2016-701", porteur=structure, etat=Etat.DEPOSEE)
    OperationFactory(code="OP-2016-702", porteur=sans_sigle, etat=Etat.SOLDEE)
    OperationFactory(code="OP-2016-703", porteur=cachee, etat=Etat.BROUILLON)  # l'équipe ne voit pas un brouillon
    client.force_login(animation)
    page = client.get(reverse("operations:liste")).content.decode()
    choix = re.search(r'<select name="porteur" id="id_porteur">(.*?)</select>', page, re.S).group(1)
    # Le sigle, sinon le nom (échappé) ; l'option vide choisie tant qu'aucun porteur ne l'est.
    assert re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', choix) == [
        ("", " selected", "Tous les porteurs"), (str(structure.pk), "", "APSALC"),
        (str(sans_sigle.pk), "", "Régie &lt;Quartiers&gt; &amp; Cie")]
    page = client.get(reverse("operations:liste"), {"porteur": sans_sigle.pk}).content.decode()
    assert re.findall(r">(OP-2016-70\d)<", page) == ["OP-2016-702"]
    assert f'<option value="{sans_sigle.pk}" selected>' in page


def _requetes(client, adresse) -> int:
    with CaptureQueriesContext(connection) as capture:
        assert client.get(adresse).status_code == 200
    return len(capture.captured_queries)


def test_les_listes_lisent_autant_de_requetes_pour_une_ligne_que_pour_une_page_pleine(client, animation, structure):
    """Une page pleine (et plusieurs porteurs, types, communes) ne coûte pas une requête de plus qu'une seule ligne."""
    OperationFactory(code="OP-2016-800", porteur=structure, etat=Etat.EN_REALISATION)
    participant(structure, date(2016, 1, 4))
    client.force_login(animation)
    une_ligne = {adresse: _requetes(client, adresse) for adresse in ("/operations/", "/participants/")}
    types = list(TypeOperation.objects.all())
    for i in range(1, 60):
        OperationFactory(code=f"OP-2016-{800 + i}", porteur=StructureFactory() if i % 2 else structure,
                         type=types[i % len(types)], etat=Etat.EN_REALISATION)
        participant(StructureFactory() if i % 3 else structure, date(2016, 1, 4) + timedelta(days=i))
    for adresse, requetes in une_ligne.items():
        assert _requetes(client, adresse) == requetes <= 12, adresse


def test_la_liste_des_participants_se_trie_par_colonne(client, animation, structure):
    for nom, entree in [("Bernard", date(2016, 3, 1)), ("Arnaud", date(2016, 5, 1)), ("Colin", date(2016, 1, 1))]:
        p = participant(structure, entree)
        p.nom = nom
        p.save()
    client.force_login(animation)
    page = client.get(reverse("participants:liste")).content.decode()
    assert aria_sort(page) == [("ascending", "Participant")]
    assert re.findall(r"(Arnaud|Bernard|Colin) Personne", page) == ["Arnaud", "Bernard", "Colin"]
    page = client.get(reverse("participants:liste"), {"tri": "-entree"}).content.decode()
    assert aria_sort(page) == [("descending", "Entrée")]
    assert re.findall(r"(Arnaud|Bernard|Colin) Personne", page) == ["Arnaud", "Bernard", "Colin"]
    page = client.get(reverse("participants:liste"), {"tri": "entree"}).content.decode()
    assert re.findall(r"(Arnaud|Bernard|Colin) Personne", page) == ["Colin", "Bernard", "Arnaud"]
    assert '<a href="?tri=-entree">Entrée</a>' in page  # cliquer à nouveau inverse l'ordre


def test_les_seances_sont_paginees_et_le_lien_du_bureau_ouvre_la_bonne_page(client, animation, structure):
    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION)
    seances = [Seance.objects.create(operation=action, date=date(2016, 1, 4) + timedelta(days=i), demi_journee="matin",
                                     heures=Decimal("3"), lieu="Dijon", formateur="A. Martin") for i in range(74)]
    client.force_login(animation)
    adresse = reverse("participants:seances", args=[action.code])
    page = client.get(adresse).content.decode()
    assert "74 séances, page 1 sur 3" in page and page.count('<tr id="seance-') == 25
    page = client.get(adresse, {"seance": seances[60].pk}).content.decode()
    assert "page 3 sur 3" in page and f'id="seance-{seances[60].pk}"' in page


def test_l_etape_ne_propose_que_les_operations_ou_l_on_peut_inscrire(client, referent, structure):
    suivi = participant(structure, date(2016, 1, 4))
    portage = TypeOperation.objects.get(code="PORTAGE_REFERENTS")
    OperationFactory(code="OP-2016-601", etat=Etat.EN_REALISATION,  # une action d'un autre porteur : oui
                     type=TypeOperation.objects.get(code="REMOBILISATION"))
    OperationFactory(code="OP-2016-602", etat=Etat.EN_REALISATION, type=portage, porteur=structure)  # son portage
    OperationFactory(code="OP-2016-603", etat=Etat.EN_REALISATION, type=portage, porteur=StructureFactory())
    OperationFactory(code="OP-2016-604", etat=Etat.REJETEE)
    OperationFactory(code="OP-2016-605", etat=Etat.BROUILLON)
    OperationFactory(code="OP-2016-606", etat=Etat.SOLDEE)
    client.force_login(referent)
    page = client.get(reverse("participants:fiche", args=[suivi.pk])).content.decode()
    choix = re.search(r'<select name="etape-operation".*?</select>', page, re.S).group(0)
    assert re.findall(r"OP-2016-60\d", choix) == ["OP-2016-601", "OP-2016-602"]
