"""Deux PLIE sur une installation : chaque import range ses participants dans le PLIE de qui importe (le même
identifiant peut exister dans les deux), chacun ne voit que les siens, le rapport d'activité d'un PLIE ne compte que
lui, celui d'un compte pivot en vue consolidée est la somme des deux."""
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from annuaire.models import Prescripteur
from annuaire.roles import Role
from operations.models import Indicateur, Objectif, TypeOperation
from operations.options import Etat
from operations.workflow import ActionRefusee
from participants.importation import ImportRefuse, analyser, importer
from participants.importation_clauses import analyser as analyser_clauses
from participants.importation_clauses import importer as importer_clauses
from participants.models import ImportParticipants, Participant
from participants.models_clauses import HeuresClause
from participants.realisation import realisation
from participants.services import participant_orienter

from .deux_plie import animation_pivot, choisir, compte, deux_plie, personne
from .deux_plie import operation as operation_de

ENTETE = "identifiant;nom;prenom;sexe;date_naissance;commune;qpv;prescripteur;structure_referent;date_entree"


def fichier(*lignes) -> tuple[str, bytes]:
    return "participants.csv", ("\r\n".join([ENTETE, *lignes]) + "\r\n").encode("utf-8")


@pytest.fixture
def plies(db):
    return deux_plie()


def test_chaque_import_range_dans_son_plie_le_meme_identifiant_possible_dans_les_deux(plies, tmp_path):
    importer(analyser(fichier("P1;Durand;Éloïse;F;12/03/1980;Dijon;;POLE_EMPLOI;APSALC;01/02/2016"), plie=plies.a))
    # Dans B, « Dijon » est la commune de B, « Saint-Jacques » son quartier, « Beaune Insertion » sa structure.
    trace = importer(analyser(fichier("P1;Martin;Léa;F;01/01/1990;Dijon;Saint-Jacques;POLE_EMPLOI;Beaune Insertion;"
                                      "01/03/2016"), plie=plies.b))
    assert trace.plie == plies.b and trace.participants_crees == 1
    de_a, de_b = Participant.objects.get(plie=plies.a, identifiant="P1"), Participant.objects.get(plie=plies.b, identifiant="P1")
    assert (de_a.nom, de_a.commune, de_a.structure_referent) == ("Durand", plies.commune_a, plies.structure_a)
    assert (de_b.nom, de_b.commune, de_b.qpv, de_b.structure_referent) == (
        "Martin", plies.commune_b, plies.qpv_b, plies.structure_b)
    # Réimporter dans A ne touche pas la personne de B qui porte le même identifiant.
    second = importer(analyser(fichier("P1;Durand;Éloïse;F;12/03/1980;Dijon;;POLE_EMPLOI;APSALC;01/02/2016"),
                               plie=plies.a))
    assert (second.participants_crees, second.participants_inchanges) == (0, 1)
    # Un quartier de B n'existe pas pour un import dans A.
    with pytest.raises(ImportRefuse, match="Saint-Jacques"):
        analyser(fichier("P2;Roy;Léo;H;01/01/1990;Dijon;Saint-Jacques;POLE_EMPLOI;;01/03/2016"), plie=plies.a)
    # Sans PLIE dit, avec deux PLIE, rien ne se range au hasard.
    with pytest.raises(ImportRefuse, match="Choisissez d'abord un PLIE"):
        analyser(fichier("P2;Roy;Léo;H;01/01/1990;Dijon;;POLE_EMPLOI;;01/03/2016"))
    # La commande : --plie obligatoire avec plusieurs PLIE.
    chemin = tmp_path / "participants.csv"
    chemin.write_bytes(fichier("P3;Roy;Léo;H;01/01/1990;Dijon;;POLE_EMPLOI;;01/03/2016")[1])
    with pytest.raises(CommandError, match="--plie"):
        call_command("import_participants", str(chemin))
    call_command("import_participants", str(chemin), "--plie", "PLIEB")
    assert Participant.objects.get(identifiant="P3").plie == plies.b


def test_la_page_d_import_range_dans_le_plie_de_l_animation_et_refuse_la_vue_consolidee(client, plies):
    animation_b = compte(Role.ANIMATION, plies.b, username="animation-b")
    client.force_login(animation_b)
    depot = SimpleUploadedFile("participants.csv", fichier("P9;Roy;Léo;H;01/01/1990;Dijon;;POLE_EMPLOI;;01/03/2016")[1])
    assert "apercu" in client.post(reverse("participants:importer"), {"participants": depot}).context
    client.post(reverse("participants:confirmer_import"), {})
    assert Participant.objects.get(identifiant="P9").plie == plies.b
    assert ImportParticipants.objects.get().plie == plies.b
    # L'animation de A ne voit pas la trace de l'import de B.
    client.force_login(compte(Role.ANIMATION, plies.a, username="animation-a"))
    assert list(client.get(reverse("participants:importer")).context["imports"]) == []
    # Le pivot en vue consolidée doit d'abord choisir un PLIE.
    client.force_login(animation_pivot(plies))
    depot = SimpleUploadedFile("participants.csv", fichier("P8;Roy;Léo;H;01/01/1990;Dijon;;POLE_EMPLOI;;01/03/2016")[1])
    reponse = client.post(reverse("participants:importer"), {"participants": depot})
    assert any("Choisissez d'abord un PLIE" in e for e in reponse.context["erreurs"])
    choisir(client, plies.a)
    depot = SimpleUploadedFile("participants.csv", fichier("P8;Roy;Léo;H;01/01/1990;Dijon;;POLE_EMPLOI;;01/03/2016")[1])
    client.post(reverse("participants:importer"), {"participants": depot})
    client.post(reverse("participants:confirmer_import"), {})
    assert Participant.objects.get(identifiant="P8").plie == plies.a


def test_chacun_ne_voit_que_les_participants_de_ses_plie(client, plies):
    de_a = personne(plies.a, plies.commune_a, "A1", date(2016, 1, 4), nom="Aubert")
    de_b = personne(plies.b, plies.commune_b, "B1", date(2016, 1, 4), nom="Bernard")
    client.force_login(compte(Role.ANIMATION, plies.a, username="animation-a"))
    assert client.get(reverse("participants:fiche", args=[de_b.pk])).status_code == 404
    assert client.get(reverse("participants:fiche", args=[de_a.pk])).status_code == 200
    assert [p.pk for p in client.get(reverse("participants:liste")).context["page"]] == [de_a.pk]
    pivot = animation_pivot(plies)
    client.force_login(pivot)
    assert {p.pk for p in client.get(reverse("participants:liste")).context["page"]} == {de_a.pk, de_b.pk}
    choisir(client, plies.b)
    assert [p.pk for p in client.get(reverse("participants:liste")).context["page"]] == [de_b.pk]
    assert client.get(reverse("participants:fiche", args=[de_a.pk])).status_code == 404


def test_une_orientation_va_au_plie_de_qui_oriente(plies):
    referent_b = compte(Role.REFERENT, plies.b, structure=plies.structure_b, username="referent-b")
    champs = {"nom": "Roy", "prenom": "Léo", "sexe": "H", "date_naissance": date(1990, 1, 1),
              "commune": plies.commune_b, "prescripteur": Prescripteur.objects.get(code="POLE_EMPLOI"),
              "date_entree": date(2016, 3, 1)}
    assert participant_orienter(user=referent_b, **champs).plie == plies.b
    pivot = animation_pivot(plies)
    with pytest.raises(ActionRefusee, match="Choisissez d'abord un PLIE"):
        participant_orienter(user=pivot, **champs)
    pivot.plie_choisi_id = plies.a.pk
    assert participant_orienter(user=pivot, **{**champs, "commune": plies.commune_a}).plie == plies.a


def _rapport(client, user, plie_choisi=None) -> dict:
    client.force_login(user)
    choisir(client, plie_choisi)
    reponse = client.get(reverse("participants:rapport"), {"debut": "2016-01-01", "fin": "2016-12-31", "format": "json"})
    return json.loads(reponse.content)


def test_le_rapport_d_un_plie_ne_compte_que_lui_celui_du_pivot_la_somme_des_deux(client, plies):
    # A : deux entrées (F, H) dont une sortie en CDI ; B : trois entrées (F, F, H), une sortie en CDI, une autre
    # pour déménagement.
    personne(plies.a, plies.commune_a, "X1", date(2016, 2, 1), sortie=date(2016, 6, 1), motif="CDI")
    personne(plies.a, plies.commune_a, "X2", date(2016, 3, 1), sexe="H")
    personne(plies.b, plies.commune_b, "X1", date(2016, 2, 1), sortie=date(2016, 9, 1), motif="CDI")
    personne(plies.b, plies.commune_b, "X2", date(2016, 4, 1), sortie=date(2016, 10, 1), motif="DEMENAGEMENT")
    personne(plies.b, plies.commune_b, "X3", date(2016, 5, 1), sexe="H")
    rapport_a = _rapport(client, compte(Role.ANIMATION, plies.a, username="animation-a"))
    rapport_b = _rapport(client, compte(Role.COMITE, plies.b, username="comite-b"))
    assert (rapport_a["entrees"]["total"], rapport_a["entrees"]["par_sexe"]) == (2, {"H": 1, "F": 1})
    assert (rapport_a["sorties"]["total"], rapport_a["sorties"]["positives"]) == (1, 1)
    assert (rapport_b["entrees"]["total"], rapport_b["entrees"]["par_sexe"]) == (3, {"H": 1, "F": 2})
    assert (rapport_b["sorties"]["total"], rapport_b["sorties"]["positives"]) == (2, 1)
    pivot = animation_pivot(plies)
    consolide = _rapport(client, pivot)
    # 2 + 3 entrées (H : 1 + 1, F : 1 + 2) ; 1 + 2 sorties dont 1 + 1 positives ; les communes « Dijon » des deux PLIE
    # portent le même nom : 2 + 3 accompagnés.
    assert (consolide["entrees"]["total"], consolide["entrees"]["par_sexe"]) == (5, {"H": 2, "F": 3})
    assert (consolide["sorties"]["total"], consolide["sorties"]["positives"]) == (3, 2)
    assert consolide["sorties"]["taux_sorties_positives"] == round(2 / 3, 4)
    assert consolide["accompagnes"]["par_commune"] == {"Dijon": 5}
    assert _rapport(client, pivot, plies.b) == rapport_b
    # La commande : --plie pour un PLIE, sans option le rapport consolidé.
    call_command("rapport_activite", "--debut", "2016-01-01", "--fin", "2016-12-31", "--plie", "PLIEB",
                 "--sortie", "/tmp/plieparts-rapport-b.json")
    with open("/tmp/plieparts-rapport-b.json", encoding="utf-8") as lu:
        assert json.load(lu) == rapport_b


def test_l_import_des_clauses_range_dans_le_plie_et_lie_ses_seuls_participants(plies):
    personne(plies.a, plies.commune_a, "P1", date(2016, 1, 4))
    de_b = personne(plies.b, plies.commune_b, "P1", date(2016, 1, 4))
    entete = "salarie;identifiant_participant;sexe;qpv;employeur;marche;secteur;contrat;mois;heures"
    ligne = "S1;P1;F;Saint-Jacques;Bâtiments de Beaune;Lycée;BTP;CDDI;2016-03;35"
    contenu = ("\r\n".join([entete, ligne]) + "\r\n").encode("utf-8")
    importer_clauses(analyser_clauses(("heures.csv", contenu), plie=plies.b))
    importer_clauses(analyser_clauses(("heures.csv", contenu.replace(b"Saint-Jacques", b"")), plie=plies.a))
    heures_b = HeuresClause.objects.get(plie=plies.b)
    assert (heures_b.participant, heures_b.qpv) == (de_b, plies.qpv_b)
    assert HeuresClause.objects.get(plie=plies.a).participant.plie == plies.a


def test_les_heures_realisees_d_une_operation_de_clauses_sont_celles_de_son_seul_plie(plies):
    """Avant la correction, la réalisation d'une opération de clauses sommait les heures de toute l'installation :
    le PLIE A déclarait les 35 heures du Beaunois en plus des siennes."""
    entete = "salarie;identifiant_participant;sexe;qpv;employeur;marche;secteur;contrat;mois;heures"
    lignes_a = ["S1;;F;;Eiffage;Tram;BTP;CDDI;2016-03;100", "S2;;H;;Onet;Écoles;SERVICES;CDD;2016-04;20.5"]
    lignes_b = ["S1;;F;;Bâtiments de Beaune;Lycée;BTP;CDDI;2016-03;35"]
    for plie, lignes in ((plies.a, lignes_a), (plies.b, lignes_b)):
        contenu = ("\r\n".join([entete, *lignes]) + "\r\n").encode("utf-8")
        importer_clauses(analyser_clauses(("heures.csv", contenu), plie=plie))
    realisees = {}
    for plie, structure in ((plies.a, plies.structure_a), (plies.b, plies.structure_b)):
        operation = operation_de(structure, etat=Etat.EN_REALISATION, plan=False, date_debut=date(2016, 1, 1),
                                 date_fin=date(2016, 12, 31), type=TypeOperation.objects.get(code="CLAUSES_INSERTION"))
        Objectif.objects.create(operation=operation, indicateur=Indicateur.objects.get(code="HEURES_INSERTION"),
                                valeur_cible=1000)
        realisees[plie.sigle] = realisation(operation, au=date(2016, 12, 31))[0].realise
    assert realisees == {plies.a.sigle: Decimal("120.50"), plies.b.sigle: Decimal("35")}  # 100 + 20,5 ; 35


def test_les_clauses_d_un_plie_qui_n_en_a_pas_valent_zero_en_une_requete(plies, django_assert_num_queries,
                                                                        monkeypatch):
    """Le PLIE A a des heures ; B n'a aucune donnée de clauses : ses chiffres sont ceux du calcul complet sur des
    ensembles vides, lus sans parcourir les tables des clauses."""
    from participants import rapport_clauses

    entete = "salarie;identifiant_participant;sexe;qpv;employeur;marche;secteur;contrat;mois;heures"
    contenu = (entete + "\r\nS1;;F;;Eiffage;Tram;BTP;CDDI;2016-03;100\r\n").encode("utf-8")
    importer_clauses(analyser_clauses(("heures.csv", contenu), plie=plies.a))
    periode = (date(2016, 1, 1), date(2016, 12, 31))
    with django_assert_num_queries(1):
        sans = rapport_clauses.chiffres_clauses(*periode, [plies.b.pk])
    assert rapport_clauses.chiffres_clauses(*periode, [plies.a.pk])["heures"]["total"] == 100
    monkeypatch.setattr(rapport_clauses, "_sans_clauses", lambda plies_: False)
    assert sans == rapport_clauses.chiffres_clauses(*periode, [plies.b.pk])
    assert sans["heures"]["total"] == 0 and sans["orientations"]["par_origine"]["PLIE"]["total"] == 0
