"""Les clauses d'insertion : l'import des fichiers du service clauses, la partie `clauses` du rapport d'activité sur un
petit jeu dont chaque chiffre est compté à la main ci-dessous, la réalisation en heures de l'opération de clauses."""
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from annuaire.models import Commune, Prescripteur, Qpv
from operations.models import Indicateur, Objectif, TypeOperation
from operations.options import Etat
from participants.importation import ImportRefuse
from participants.importation_clauses import analyser, importer
from participants.models import HeuresClause, MotifSortie, OrientationClause, Participant
from participants.rapport import rapport_activite
from participants.realisation import realisation
from tests.factories import OperationFactory, StructureFactory

GRES, CHENOVE, TALANT = "DIJON - Grésilles", "CHENÔVE - Le Mail", "TALANT - Belvédère"
AN = (date(2016, 1, 1), date(2016, 12, 31))

ENTETE_HEURES = "salarie;identifiant_participant;sexe;qpv;employeur;marche;secteur;contrat;mois;heures"
HEURES = [
    # P1 : un contrat de pro sur deux marchés, l'un du BTP, l'autre des services ; sorti en contrat de pro en 2016
    "S1;P1;H;DIJON - Grésilles;Eiffage;Tram ligne 2;BTP;C_PRO;2016-01;100",
    "S1;P1;H;DIJON - Grésilles;Eiffage;Tram ligne 2;BTP;C_PRO;02/2016;120,5",
    "S1;P1;H;DIJON - Grésilles;Id Verde;Espaces verts Est;SERVICES;C_PRO;2016-03;40",
    "S2;P2;F;;Onet;Nettoyage des écoles;SERVICES;CDDI;2016-04;70",
    "S2;P2;F;;Onet;Nettoyage des écoles;SERVICES;CDDI;2016-05;70",
    "S3;P3;H;CHENÔVE - Le Mail;Eureka;Tram ligne 2;BTP;CTTI;2016-02;35",
    "S4;P4;H;;Eureka;Tram ligne 2;BTP;CTTI;2016-06;50",  # P4 est sorti du PLIE fin 2015
    "S5;P5;H;;Colas;Voirie 2016;BTP;CDI;2016-12;151,67",
    "S6;;F;;Onet;Nettoyage des écoles;SERVICES;CTTI;2016-07;20",  # pas une participante du PLIE
    "S7;;H;;Colas;Voirie 2015;BTP;CTTI;2015-12;80",  # hors période
    "S7;;H;;Colas;Voirie 2015;BTP;CTTI;2017-01;60",  # hors période
]
ENTETE_ORIENTATIONS = "candidat;identifiant_participant;date;prescripteur;qpv;secteur;date_validation"
ORIENTATIONS = [
    "C1;P1;10/01/2016;PLIE;DIJON - Grésilles;BTP;20/01/2016",
    "C2;;2016-02-01;EUREKA_INTERIM;;SERVICES;2016-03-01",
    "C3;;2016-03-01;ARIQ_BTP;TALANT - Belvédère;LES_DEUX;2016-04-01",
    "C4;;2016-11-15;PLIE;CHENÔVE - Le Mail;SERVICES;",
    "C5;;2015-12-10;POLE_EMPLOI;;LES_DEUX;2016-01-05",  # orientée en 2015, validée en 2016
    "C2;;2016-06-01;Eurêka Intérim;;BTP;2016-06-15",  # le même candidat, une seconde orientation (par son libellé)
    "C6;;2017-01-05;PLIE;;BTP;",  # hors période
]


def fichier(nom: str, entete: str, lignes: list[str]) -> tuple[str, bytes]:
    return nom, "\n".join([entete, *lignes]).encode("utf-8-sig")


def heures(lignes=HEURES):
    return fichier("heures.csv", ENTETE_HEURES, lignes)


def orientations(lignes=ORIENTATIONS):
    return fichier("orientations.csv", ENTETE_ORIENTATIONS, lignes)


def _participant(identifiant, sexe, entree, sortie=None, motif=None, qpv=None, structure=None):
    return Participant.objects.create(
        identifiant=identifiant, nom="Salarié", prenom=identifiant, sexe=sexe, date_naissance=date(1985, 1, 1),
        commune=Commune.objects.get(nom="Dijon"), prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"),
        date_entree=entree, date_sortie=sortie, motif_sortie=MotifSortie.objects.get(code=motif) if motif else None,
        qpv=Qpv.objects.get(nom=qpv) if qpv else None, structure_referent=structure)


@pytest.fixture
def participants(db):
    return {
        "P1": _participant("P1", "H", date(2015, 1, 1), date(2016, 9, 30), "CONTRAT_PRO", GRES),
        "P2": _participant("P2", "F", date(2016, 3, 1)),
        "P3": _participant("P3", "H", date(2015, 6, 1), date(2016, 5, 31), "SUIVI_IMPOSSIBLE", CHENOVE),
        "P4": _participant("P4", "H", date(2014, 1, 1), date(2015, 12, 31), "CDI"),
        "P5": _participant("P5", "H", date(2015, 1, 1), date(2017, 2, 1), "CDI"),
    }


@pytest.fixture
def importees(participants):
    return importer(analyser(heures(), orientations()))


def test_les_chiffres_2016_du_petit_jeu_comptes_a_la_main(importees):
    clauses = json.loads(json.dumps(rapport_activite(*AN)))["clauses"]
    assert clauses["heures"] == {
        "total": 657.17,  # 100 + 120,5 + 40 + 70 + 70 + 35 + 50 + 151,67 + 20 (S7 est hors période)
        "par_secteur": {"BTP": 457.17, "SERVICES": 200},  # BTP : 100 + 120,5 + 35 + 50 + 151,67 ; services : 40 + 140 + 20
        "par_contrat": {"CDDI": {"heures": 140, "salaries": 1}, "CDI": {"heures": 151.67, "salaries": 1},
                        "C_PRO": {"heures": 260.5, "salaries": 1}, "CTTI": {"heures": 105, "salaries": 3}},
        "salaries": 6,
    }
    assert clauses["orientations"] == {
        "total": 5,  # C1, C2 (deux fois), C3, C4 ; C5 orienté en 2015, C6 en 2017
        "par_origine": {"PLIE": {"total": 2, "qpv": 2}, "AUTRE": {"total": 3, "qpv": 1}},
        "par_secteur": {"BTP": 3, "SERVICES": 3},  # C3 (les deux secteurs) compte dans l'un et l'autre
        "par_prescripteur": {"ARIQ_BTP": 1, "EUREKA_INTERIM": 2},
        "qpv_par_quartier": {CHENOVE: 1, GRES: 1, TALANT: 1},
    }
    # Validés en 2016 : C1 (BTP, QPV), C2 (services puis BTP), C3 (les deux, QPV), C5 (les deux, orienté en 2015).
    assert clauses["candidats_valides"] == {"total": 4, "par_secteur": {"BTP": 4, "SERVICES": 3}, "part_qpv": 0.5}
    # P4, sorti fin 2015, n'est pas accompagné en 2016 : ses heures comptent, lui non.
    assert clauses["participants_plie"] == {
        "total": 4, "par_sexe": {"H": 3, "F": 1},
        "par_secteur": {"BTP": {"total": 3, "F": 0}, "SERVICES": {"total": 2, "F": 1}},
        "qpv": {"total": 2, "par_quartier": {CHENOVE: 1, GRES: 1}},
    }
    # P3 sort pour suivi impossible (pas une sortie positive), P5 en 2017.
    assert clauses["sorties_positives"] == {"total": 1, "par_motif": {"CONTRAT_PRO": 1},
                                            "qpv": {"total": 1, "par_quartier": {GRES: 1}}}


def test_une_periode_sans_clauses_donne_des_zeros(importees):
    clauses = rapport_activite(date(2018, 1, 1), date(2018, 12, 31))["clauses"]
    assert clauses["heures"]["total"] == 0 and clauses["orientations"]["total"] == 0
    assert clauses["candidats_valides"] == {"total": 0, "par_secteur": {"BTP": 0, "SERVICES": 0}, "part_qpv": 0.0}


def test_le_reimport_ne_change_que_ce_qui_a_change(importees):
    assert (importees.heures_creees, importees.orientations_creees) == (11, 7)
    modifiees = [l.replace(";70", ";75") if l.startswith("S2") and "2016-05" in l else l for l in HEURES]
    modifiees.append("S8;;H;;Colas;Voirie 2016;BTP;CDD;2016-08;12")
    trace = importer(analyser(heures(modifiees), orientations()))
    assert (trace.heures_creees, trace.heures_modifiees, trace.heures_inchangees) == (1, 1, 10)
    assert (trace.orientations_creees, trace.orientations_modifiees, trace.orientations_inchangees) == (0, 0, 7)
    assert HeuresClause.objects.get(salarie="S2", mois=date(2016, 5, 1)).heures == Decimal("75.00")
    assert HeuresClause.objects.count() == 12


@pytest.mark.parametrize("ligne, attendu", [
    ("S9;;X;;Colas;Voirie;BTP;CDD;2016-01;10", "ligne 2, colonne sexe : « X » n'est pas un sexe"),
    ("S9;;H;;Colas;Voirie;BTP;INTERIM;2016-01;10", "ligne 2, colonne contrat : « INTERIM » n'est pas un contrat"),
    ("S9;;H;;Colas;Voirie;BATIMENT;CDD;2016-01;10", "ligne 2, colonne secteur : « BATIMENT » n'est pas un secteur"),
    ("S9;;H;;Colas;Voirie;BTP;CDD;2016-13;10", "ligne 2, colonne mois : « 2016-13 » n'est pas un mois qui existe"),
    ("S9;;H;;Colas;Voirie;BTP;CDD;janvier;10", "ligne 2, colonne mois : « janvier » n'est pas un mois (attendu AAAA-MM ou MM/AAAA)"),
    ("S9;;H;;Colas;Voirie;BTP;CDD;2016-01;0", "ligne 2, colonne heures : « 0 » : le nombre d'heures doit être supérieur à zéro"),
    ("S9;;H;;Colas;;BTP;CDD;2016-01;10", "ligne 2, colonne marche : valeur obligatoire manquante"),
    ("S9;INCONNU;H;;Colas;Voirie;BTP;CDD;2016-01;10", "ligne 2, colonne identifiant_participant : « INCONNU » n'est pas un participant"),
    ("S9;;H;Montchapet;Colas;Voirie;BTP;CDD;2016-01;10", "ligne 2, colonne qpv : « Montchapet » n'est pas un quartier prioritaire"),
])
def test_une_mauvaise_ligne_d_heures_refuse_tout_en_la_nommant(participants, ligne, attendu):
    with pytest.raises(ImportRefuse) as refus:
        analyser(heures([ligne, *HEURES]), orientations())
    assert attendu in str(refus.value), str(refus.value)
    assert not HeuresClause.objects.exists() and not OrientationClause.objects.exists()


def test_chaque_mauvaise_ligne_est_nommee_et_rien_n_est_ecrit(participants):
    mauvaises = [*HEURES, HEURES[0]]  # ligne 13 : la même clé que la ligne 2
    mauvaises_orientations = [*ORIENTATIONS, "C9;;2016-05-01;CAF;;BTP;", "C9;;2016-05-02;PLIE;;BTP;2016-04-01"]
    with pytest.raises(ImportRefuse) as refus:
        importer(analyser(heures(mauvaises), orientations(mauvaises_orientations)))
    messages = [str(e) for e in refus.value.erreurs]
    assert messages == [
        "heures.csv, ligne 13, colonne mois : la même ligne (salarié, contrat, marché, mois) apparaît déjà plus haut.",
        "orientations.csv, ligne 9, colonne prescripteur : « CAF » n'est pas un prescripteur connu.",
        "orientations.csv, ligne 10, colonne date_validation : la validation précède l'orientation.",
    ]
    assert not HeuresClause.objects.exists() and not OrientationClause.objects.exists()


def test_un_classeur_xlsx_et_ses_cellules_dates(participants):
    import io

    import openpyxl

    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(ENTETE_HEURES.split(";"))
    feuille.append(["S1", "P1", "H", GRES, "Eiffage", "Tram", "BTP", "C_PRO", date(2016, 3, 1), 35.5])
    contenu = io.BytesIO()
    classeur.save(contenu)
    trace = importer(analyser(("heures.xlsx", contenu.getvalue())))
    assert trace.heures_creees == 1
    ligne = HeuresClause.objects.get()
    assert (ligne.mois, ligne.heures, ligne.participant.identifiant) == (date(2016, 3, 1), Decimal("35.50"), "P1")


def test_la_commande_importe_ou_refuse_avec_son_code_de_sortie(participants, tmp_path, capsys):
    chemin_h, chemin_o = tmp_path / "heures.csv", tmp_path / "orientations.csv"
    chemin_h.write_bytes(heures()[1])
    chemin_o.write_bytes(orientations()[1])
    call_command("import_clauses", str(chemin_h), str(chemin_o))
    sortie = capsys.readouterr().out
    assert "Heures : 11 ligne(s) créée(s), 0 modifiée(s), 0 inchangée(s)." in sortie
    assert "Orientations : 7 créée(s)" in sortie
    call_command("import_clauses", str(chemin_h))
    assert "Heures : 0 ligne(s) créée(s), 0 modifiée(s), 11 inchangée(s)." in capsys.readouterr().out
    chemin_h.write_bytes(heures(["S9;;H;;Colas;Voirie;BTP;CDD;2016-01;-3"])[1])
    with pytest.raises(SystemExit) as sortie_refus:
        call_command("import_clauses", str(chemin_h))
    assert sortie_refus.value.code == 1
    assert "heures.csv, ligne 2, colonne heures" in capsys.readouterr().err


def _operation_de_clauses(structure, cible_heures=1000):
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False,
                                 type=TypeOperation.objects.get(code="CLAUSES_INSERTION"),
                                 date_debut=date(2016, 1, 1), date_fin=date(2016, 12, 31))
    for code, cible in [("HEURES_INSERTION", cible_heures), ("ACCOMPAGNES", 4), ("SORTIES_POSITIVES", 2)]:
        Objectif.objects.create(operation=operation, indicateur=Indicateur.objects.get(code=code), valeur_cible=cible)
    return operation


def test_la_realisation_de_l_operation_de_clauses_se_mesure_en_heures(importees):
    operation = _operation_de_clauses(StructureFactory())
    lignes = {r.indicateur: r for r in realisation(operation, au=date(2016, 12, 31))}
    heures_ = lignes["Heures d'insertion réalisées"]
    assert heures_.realise == Decimal("657.17") and heures_.unite == "heures"
    assert heures_.part == Decimal("0.657") and heures_.alerte  # 657 < 90 % de 1 000
    # Les salariés participants ayant des heures sur la période, accompagnés en 2016 (P4 sorti fin 2015 ne l'est pas).
    assert lignes["Participants accompagnés"].realise == 4
    assert lignes["Sorties positives"].realise == 1
    # Au 30/06 : 100 + 120,5 + 40 + 140 + 35 + 50 = 485,5 heures en 182 jours, prolongées sur 366 : 976 (pas d'alerte).
    mi_annee = {r.indicateur: r for r in realisation(operation, au=date(2016, 6, 30))}["Heures d'insertion réalisées"]
    assert (mi_annee.realise, mi_annee.projection, mi_annee.alerte) == (Decimal("485.50"), Decimal("976"), False)


def test_la_page_des_heures_croise_les_mois_et_lie_les_fiches_visibles(importees, participants, client, animation,
                                                                       porteur, structure):
    client.force_login(animation)
    adresse = reverse("participants:clauses")
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "par": "salarie"}).content.decode()
    assert "01/2016" in page and "12/2016" in page
    assert f'href="{reverse("participants:fiche", args=[participants["P1"].pk])}"' in page
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "par": "employeur", "tri": "-total"})
    lignes = page.context["lignes"]
    assert [(l["libelle"], l["total"], l["salaries"]) for l in lignes] == [
        ("Eiffage", Decimal("220.50"), 1), ("Onet", Decimal("160.00"), 2), ("Colas", Decimal("151.67"), 1),
        ("Eureka", Decimal("85.00"), 2), ("Id Verde", Decimal("40.00"), 1)]
    assert lignes[0]["mois"][:3] == [Decimal("100.00"), Decimal("120.50"), None]  # janvier, février, mars
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "par": "secteur"}).content.decode()
    assert "Bâtiment et travaux publics" in page and ">BTP<" not in page  # des libellés, jamais des codes
    # Recherche sans accents, gardée dans la session (pas dans l'adresse).
    client.post(adresse + "?par=marche", {"q": "ecoles"})
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "par": "marche"})
    assert [l["libelle"] for l in page.context["lignes"]] == ["Nettoyage des écoles"]
    # La fiche du participant montre ses heures, par marché et contrat.
    fiche = client.get(reverse("participants:fiche", args=[participants["P1"].pk])).content.decode()
    assert "Heures de clauses d'insertion" in fiche and "Tram ligne 2" in fiche and "01/2016 à 02/2016" in fiche
    assert "Contrat de professionnalisation" in fiche
    # Le porteur de l'opération de clauses voit les heures, pas les fiches des participants qu'il ne suit pas ; il y
    # arrive par la fiche de son opération (son menu n'a pas ce lien).
    clauses = _operation_de_clauses(structure)
    client.force_login(porteur)
    assert f'href="{adresse}"' in client.get(clauses.get_absolute_url()).content.decode()
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "par": "salarie"}).content.decode()
    assert "S1" in page and reverse("participants:fiche", args=[participants["P1"].pk]) not in page


def test_la_page_d_import_verifie_puis_importe(participants, client, animation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(animation)
    nom, contenu = heures()
    reponse = client.post(reverse("participants:importer_clauses"), {"heures": SimpleUploadedFile(nom, contenu)})
    assert reponse.context["apercu"]["heures_creees"] == 11 and not HeuresClause.objects.exists()
    reponse = client.post(reverse("participants:confirmer_import_clauses"), follow=True)
    assert HeuresClause.objects.count() == 11
    assert "Heures : 11 ligne(s) créée(s)" in reponse.content.decode()
    refus = client.post(reverse("participants:importer_clauses"),
                        {"heures": SimpleUploadedFile(nom, heures(["S9;;H;;Colas;Voirie;BTP;CDD;2016-01;x"])[1])})
    assert "ligne 2, colonne heures" in refus.content.decode()


def test_le_rapport_montre_la_partie_clauses_dans_la_page_le_classeur_et_le_word(importees, client, animation):
    import io

    import openpyxl

    import docx

    client.force_login(animation)
    adresse = reverse("participants:rapport")
    page = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31"}).content.decode()
    assert "Clauses d'insertion" in page and "Contrat de professionnalisation" in page and "Eurêka Intérim" in page
    assert "657 heures" in page.replace("\u202f", " ")
    classeur = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "format": "xlsx"}).content
    feuille = openpyxl.load_workbook(io.BytesIO(classeur))["Clauses d'insertion"]
    lignes = {(r, d): v for r, d, v in feuille.iter_rows(min_row=2, values_only=True)}
    assert lignes[("Heures réalisées", "Total")] == 657.17
    assert lignes[("Orientations par prescripteur", "Eurêka Intérim")] == 2
    assert lignes[("Sorties positives par motif", "Contrat de professionnalisation de 6 mois et plus")] == 1
    word = client.get(adresse, {"debut": "2016-01-01", "fin": "2016-12-31", "format": "docx"}).content
    document = docx.Document(io.BytesIO(word))
    texte = "\n".join(p.text for p in document.paragraphs).replace("\u202f", " ")
    assert "Clauses d'insertion" in texte and "657 heures ont été réalisées par 6 salariés" in texte
    cellules = [[c.text.replace("\u202f", " ") for c in rang.cells] for t in document.tables for rang in t.rows]
    assert ["Contrat de professionnalisation", "261", "1"] in cellules  # 260,5 heures, arrondies à l'affichage
    assert ["D'autres prescripteurs", "3", "1"] in cellules and ["Eurêka Intérim", "2"] in cellules
    sans = client.get(adresse, {"debut": "2018-01-01", "fin": "2018-12-31", "format": "docx"}).content
    assert "Clauses d'insertion" not in "\n".join(p.text for p in docx.Document(io.BytesIO(sans)).paragraphs)


def test_le_contrat_de_pro_est_une_sortie_positive_vers_l_emploi_prouvee_par_six_mois_de_contrat(participants):
    from participants.criteres import critere_du_motif, verdicts
    from participants.preuves import EtapeLue

    motif = MotifSortie.objects.get(code="CONTRAT_PRO")
    assert motif.categorie == "emploi" and motif.positive and not motif.neutre
    critere = critere_du_motif("CONTRAT_PRO")
    assert (critere.types, critere.mode, critere.jours) == (("CONTRAT_PRO",), "duree_continue", 183)
    naissance = date(1990, 1, 1)
    cinq_mois = [EtapeLue("CONTRAT_PRO", date(2016, 1, 1), date(2016, 5, 31), "Contrat de professionnalisation")]
    assert not any(v.critere.motif == "CONTRAT_PRO" for v in verdicts(cinq_mois, naissance, date(2016, 12, 31)))
    un_an = [EtapeLue("CONTRAT_PRO", date(2016, 1, 1), date(2016, 12, 31), "Contrat de professionnalisation")]
    rempli = next(v for v in verdicts(un_an, naissance, date(2016, 12, 31)) if v.critere.motif == "CONTRAT_PRO")
    assert rempli.rempli_le == date(2016, 7, 1)  # le 183e jour
