"""Le rapport d'activité de specs/rapport-activite.md : l'exemple de la spec importé, 2017 donne ses chiffres."""
import io
import json
from datetime import date
from pathlib import Path

from annuaire.normalisation import cle_de_recherche
from participants.importation import analyser, importer
from participants.rapport import rapport_activite

EXEMPLE = Path(__file__).resolve().parent / "exemple"  # copie de shared/specs/exemple (LISEZMOI.md)


def _sans_casse_ni_accents(table: dict) -> dict:
    return {cle_de_recherche(k): v for k, v in table.items()}


def test_l_exemple_donne_les_chiffres_attendus_pour_2017(db):
    importer(analyser(*[(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]))
    attendu = json.loads((EXEMPLE / "rapport-2017.json").read_text())
    obtenu = json.loads(json.dumps(rapport_activite(date(2017, 1, 1), date(2017, 12, 31))))

    for cle in ("par_commune",):
        assert _sans_casse_ni_accents(obtenu["accompagnes"][cle]) == _sans_casse_ni_accents(attendu["accompagnes"][cle])
        del obtenu["accompagnes"][cle], attendu["accompagnes"][cle]
    for partie, attendues in attendu.items():
        assert obtenu[partie] == attendues, partie


def test_la_commande_ecrit_le_json_et_le_classeur(db, tmp_path, capsys):
    import openpyxl
    from django.core.management import call_command

    importer(analyser(*[(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]))
    call_command("rapport_activite", "--debut", "2017-01-01", "--fin", "2017-12-31")
    assert json.loads(capsys.readouterr().out)["sorties"]["taux_sorties_positives"] == 0.5163
    classeur_chemin = tmp_path / "rapport.xlsx"
    call_command("rapport_activite", "--debut", "2017-01-01", "--fin", "2017-12-31", "--format", "xlsx",
                 "--sortie", str(classeur_chemin))
    sorties = openpyxl.load_workbook(classeur_chemin)["Sorties"]
    lignes = {(r, d): v for r, d, v in sorties.iter_rows(min_row=2, values_only=True)}
    # Des libellés, jamais des codes ; les dates de la période sont de vraies dates.
    assert lignes[("Total", None)] == 153 and lignes[("Par sexe", "Femmes / Sorties positives")] == 42
    assert lignes[("Taux de sorties positives", None)] == 0.5163
    assert not any(d and "_" in d for _, d in lignes)
    periode = openpyxl.load_workbook(classeur_chemin)["Période"]
    assert periode["B2"].is_date and periode["B2"].value.date() == date(2017, 1, 1)
    assert periode["B2"].number_format == "dd/mm/yyyy"


def test_la_page_du_rapport_et_ses_telechargements(db, client, animation):
    import openpyxl
    from django.urls import reverse

    importer(analyser(*[(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]))
    client.force_login(animation)
    adresse = reverse("participants:rapport")
    page = client.get(adresse, {"debut": "2017-01-01", "fin": "2017-12-31"}).content.decode()
    assert "Du 01/01/2017 au 31/12/2017" in page and "153, dont 79 positives" in page
    telecharge = client.get(adresse, {"debut": "2017-01-01", "fin": "2017-12-31", "format": "json"})
    assert telecharge["Content-Disposition"] == 'attachment; filename="rapport-activite-20170101-20171231.json"'
    assert telecharge.json()["entrees"]["total"] == 133
    classeur = client.get(adresse, {"debut": "2017-01-01", "fin": "2017-12-31", "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(classeur.content))["Entrées"]["C2"].value == 133
    erreur = client.get(adresse, {"debut": "2017-12-31", "fin": "2017-01-01"}).content.decode()
    assert "La fin de la période précède son début." in erreur


def test_le_rapport_en_word_avec_ses_tableaux_et_ses_graphiques(db, tmp_path):
    from django.core.management import call_command
    from docx import Document

    from annuaire.models import Prescripteur
    from operations.programmes import programme_pour
    from tests.lecture_docx import lignes, table_avec, texte, verifier_publicite

    importer(analyser(*[(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]))
    sortie = tmp_path / "rapport.docx"
    call_command("rapport_activite", "--debut", "2017-01-01", "--fin", "2017-12-31", "--format", "docx", "--sortie", str(sortie))
    docx = Document(str(sortie))
    contenu = texte(docx)
    assert "Du 01/01/2017 au 31/12/2017" in contenu
    assert "406 personnes ont été accompagnées en parcours d'insertion (183 hommes, 223 femmes)" in contenu
    assert "153 sorties dont 79 positives : 51,6\u00a0% des sorties, 67,0\u00a0% hors déménagement" in contenu
    assert lignes(table_avec(docx, "Âge à l'entrée"))[1:3] == [["15-24 ans", "20", "35", "55"], ["25-44 ans", "94", "97", "191"]]
    pole_emploi = Prescripteur.objects.get(code="POLE_EMPLOI").libelle
    assert lignes(table_avec(docx, "Prescripteur"))[1][:2] == [pole_emploi, "59"]  # le premier prescripteur
    assert len(docx.inline_shapes) == 3  # les trois graphiques
    verifier_publicite(docx, programme_pour(date(2017, 1, 1)))  # aucune opération : le programme de la période


def test_la_page_s_ouvre_sur_la_derniere_annee_complete_avec_libelles_et_graphiques(db, client, animation):
    import html

    from django.urls import reverse

    importer(analyser(*[(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]))
    client.force_login(animation)
    page = html.unescape(client.get(reverse("participants:rapport")).content.decode())
    # Les données de l'exemple vont jusqu'en 2018 : 2017 est la dernière année complète.
    assert "Du 01/01/2017 au 31/12/2017" in page and "153, dont 79 positives" in page
    assert "<th scope=\"row\">France Travail (ex-Pôle emploi)</th>" in page
    for code in ("POLE_EMPLOI", "CDD_MOINS_6M", "emploi_aide", "FORMATION_QUALIFIANTE"):
        assert code not in page
    assert page.count('<img src="data:image/png;base64,') == 3
    assert "Sorties positives par catégorie</figcaption>" in page


def test_une_periode_sans_donnees_le_dit(db, client, animation):
    from django.urls import reverse

    client.force_login(animation)
    page = client.get(reverse("participants:rapport"), {"debut": "2010-01-01", "fin": "2010-12-31"}).content.decode()
    assert "Aucune donnée du 01/01/2010 au 31/12/2010" in page and "<img" not in page.split("<main")[1].split("</main>")[0]


def test_la_tranche_d_age_se_lit_en_annees_revolues_a_la_date_d_entree(db):
    """Chaque personne à la veille ou au jour d'un anniversaire qui change sa tranche (âges comptés à la main)."""
    from annuaire.models import Commune, Prescripteur
    from participants.models import Participant

    commune, prescripteur = Commune.objects.get(nom="Dijon"), Prescripteur.objects.get(code="POLE_EMPLOI")
    personnes = [  # (naissance, entrée) : âge révolu à l'entrée
        (date(2001, 3, 10), date(2016, 3, 9)),  # 14 ans : hors tranche
        (date(2001, 3, 10), date(2016, 3, 10)),  # 15 ans : 15-24
        (date(1991, 6, 15), date(2016, 6, 14)),  # 24 ans : 15-24
        (date(1991, 6, 15), date(2016, 6, 15)),  # 25 ans : 25-44
        (date(1971, 12, 31), date(2016, 12, 30)),  # 44 ans : 25-44
        (date(1961, 1, 1), date(2016, 1, 1)),  # 55 ans : 55-64
        (date(1952, 2, 29), date(2016, 2, 28)),  # 63 ans (le 29 février n'est pas encore passé) : 55-64
        (date(1951, 2, 28), date(2016, 2, 28)),  # 65 ans : 65+
    ]
    for rang, (naissance, entree) in enumerate(personnes):
        Participant.objects.create(identifiant=f"AGE-{rang}", nom="Age", prenom="Camille", sexe="F",
                                   date_naissance=naissance, commune=commune, prescripteur=prescripteur,
                                   date_entree=entree)
    rapport = rapport_activite(date(2016, 1, 1), date(2016, 12, 31))
    assert rapport["entrees"]["par_tranche_age"] == {"15-24": 2, "25-44": 2, "55-64": 2, "65+": 1}
    assert rapport["accompagnes"]["par_tranche_age"] == {t: {"H": 0, "F": n} for t, n in
                                                         {"15-24": 2, "25-44": 2, "55-64": 2, "65+": 1}.items()}
    assert rapport["entrees"]["total"] == 8  # celle de 14 ans compte, sans tranche
