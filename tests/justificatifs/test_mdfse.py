"""L'export « Ma Démarche FSE » : colonnes du référentiel, réponses traduites, indicateurs par sexe qui s'additionnent,
dépenses déclarées et retenues, formules neutralisées ; le contrôle qualité qui le précède."""
import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from justificatifs.mdfse import export_mdfse, qualite, referentiel
from operations.models import TypeOperation
from operations.options import Etat
from participants.models import Etape, Participant, TypeEtape
from tests.factories import OperationFactory
from tests.participants.test_realisation import participant


@pytest.fixture
def action(structure):
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION,
                                 type=TypeOperation.objects.get(code="REMOBILISATION"))
    complet = dict(situation_entree="DELD", niveau_formation="ISCED_0_2", beneficiaire_rsa=True, rqth=False,
                   menage_sans_emploi=True, enfants_a_charge=False, parent_isole=False, sans_domicile=False)
    personnes = [
        participant(structure, date(2016, 1, 4)),  # F, née en 1980
        participant(structure, date(2016, 2, 1), date(2016, 9, 30), "CDI"),
        participant(structure, date(2016, 3, 7)),
    ]
    Participant.objects.filter(pk=personnes[0].pk).update(nom="=HYPERLINK(\"http://x\")", **complet)
    Participant.objects.filter(pk=personnes[1].pk).update(sexe="H", **complet)
    hors_periode = participant(structure, date(2014, 1, 6), date(2015, 6, 30), "CDI")
    for p in [*personnes, hors_periode]:
        Etape.objects.create(participant=p, type=TypeEtape.objects.get(code="ACTION_PLIE"), date_debut=date(2016, 3, 1),
                             operation=operation)
    return operation


def lire(contenu: bytes):
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    return archive, {nom: archive.read(nom) for nom in archive.namelist()}


def test_les_fichiers_et_les_colonnes(action):
    archive, fichiers = lire(export_mdfse(action))
    code = action.code
    assert sorted(fichiers) == sorted([f"mdfse-{code}.xlsx", f"mdfse-{code}-participants.csv",
                                       f"mdfse-{code}-indicateurs.csv", f"mdfse-{code}-depenses.csv"])
    lignes = list(csv.reader(io.StringIO(fichiers[f"mdfse-{code}-participants.csv"].decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [c["colonne"] for c in referentiel()["colonnes"]]
    assert len(lignes) == 1 + 3  # la sortie de 2015 n'est pas de la période de l'opération
    par_id = {ligne[0]: dict(zip(lignes[0], ligne)) for ligne in lignes[1:]}
    bilal = next(l for l in par_id.values() if l["Sexe"] == "Homme")
    assert (bilal["Situation sur le marché du travail à l'entrée"], bilal["Bénéficiaire de minima sociaux"],
            bilal["Date de sortie de l'opération"], bilal["Sortie positive"]) == (
        "Chômeur de longue durée", "Oui", "30/09/2016", "Emploi")
    # Une cellule qui commence comme une formule est neutralisée, en CSV comme en XLSX.
    assert any(l["Nom"] == "'=HYPERLINK(\"http://x\")" for l in par_id.values())
    classeur = load_workbook(io.BytesIO(fichiers[f"mdfse-{code}.xlsx"]))
    assert classeur.sheetnames == ["participants", "indicateurs", "depenses"]
    noms = [ligne[1] for ligne in classeur["participants"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in noms


def test_les_indicateurs_par_sexe_s_additionnent(action):
    _, fichiers = lire(export_mdfse(action))
    lignes = list(csv.reader(io.StringIO(fichiers[f"mdfse-{action.code}-indicateurs.csv"].decode("utf-8-sig")),
                             delimiter=";"))
    assert lignes[0] == ["Code", "Indicateur", "Type", "Hommes", "Femmes", "Total"]
    par_code = {l[0]: (int(l[3]), int(l[4]), int(l[5])) for l in lignes[1:]}
    assert par_code["EECO01"] == (1, 2, 3)
    assert par_code["EECO03"] == (1, 1, 2)  # chômeurs de longue durée : les deux fiches complètes
    assert par_code["EECR04"] == (1, 0, 1)  # en emploi à la sortie (CDI), sorti pendant l'opération
    assert all(h + f == t for h, f, t in par_code.values())


def test_le_controle_qualite_liste_les_fiches_incompletes(action, animation, client, porteur):
    controle = qualite(action)
    assert controle["total"] == 3 and len(controle["incomplets"]) == 1 and controle["part_incomplete"] == 1 / 3
    client.force_login(animation)
    page = client.get(reverse("justificatifs:mdfse", args=[action.code])).content.decode()
    assert "1 fiche(s) incomplète(s) sur 3 (33,3\u00a0%)" in page
    assert reverse("participants:modifier", args=[controle["incomplets"][0]["participant"].pk]) in page
    reponse = client.get(reverse("justificatifs:mdfse_export", args=[action.code]))
    assert reponse["Content-Disposition"] == f'attachment; filename="mdfse-{action.code}.zip"'
    client.force_login(porteur)
    assert client.get(reverse("justificatifs:mdfse_export", args=[action.code])).status_code == 404


def test_la_commande(action, tmp_path, capsys):
    sortie = tmp_path / "export.zip"
    call_command("export_mdfse", action.code, "--sortie", str(sortie))
    assert len(zipfile.ZipFile(sortie).namelist()) == 4
    assert "1 fiche(s) incomplète(s) sur 3" in capsys.readouterr().err
