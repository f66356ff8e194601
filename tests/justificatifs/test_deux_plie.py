"""Deux PLIE sur une installation : les bilans (et leurs pièces) d'un PLIE n'existent pas pour l'autre, l'export
« Ma Démarche FSE » d'une opération ne porte que des participants de son PLIE."""
import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from annuaire.roles import Role
from justificatifs.mdfse import export_mdfse
from justificatifs.models import Bilan, NatureBilan
from operations.models import TypeOperation
from operations.options import Etat
from participants.models import Etape, TypeEtape
from tests.participants.deux_plie import animation_pivot, choisir, compte, deux_plie, operation, personne


@pytest.fixture
def plies(db):
    return deux_plie()


def _bilan(op, user) -> Bilan:
    return Bilan.objects.create(operation=op, nature=NatureBilan.FINAL, rang=1, debut=op.date_debut, fin=op.date_fin,
                                prepare_par=user)


def test_les_bilans_d_un_plie_n_existent_pas_pour_l_autre(client, plies):
    gestionnaire_a = compte(Role.GESTIONNAIRE, plies.a, username="gestionnaire-a")
    gestionnaire_b = compte(Role.GESTIONNAIRE, plies.b, username="gestionnaire-b")
    bilan_a = _bilan(operation(plies.structure_a, etat=Etat.EN_REALISATION), gestionnaire_a)
    bilan_b = _bilan(operation(plies.structure_b, etat=Etat.EN_REALISATION), gestionnaire_b)
    assert list(Bilan.objects.visible_to(gestionnaire_b)) == [bilan_b]
    assert list(Bilan.objects.visible_to(gestionnaire_a)) == [bilan_a]
    client.force_login(gestionnaire_b)
    assert client.get(reverse("justificatifs:bilan", args=[bilan_a.operation.code, 1])).status_code == 404
    pivot = compte(Role.GESTIONNAIRE, None, pivot=plies.pivot, username="gestionnaire-pivot")
    assert set(Bilan.objects.visible_to(pivot)) == {bilan_a, bilan_b}
    pivot.plie_choisi_id = plies.a.pk
    assert list(Bilan.objects.visible_to(pivot)) == [bilan_a]


def test_l_export_mdfse_ne_porte_que_les_participants_du_plie_de_l_operation(plies, tmp_path):
    action = operation(plies.structure_a, etat=Etat.EN_REALISATION, type=TypeOperation.objects.get(code="REMOBILISATION"),
                       date_debut=date(2016, 1, 1), date_fin=date(2016, 12, 31))
    formation = TypeEtape.objects.get(code="FORMATION_QUALIFIANTE")
    for plie, commune, identifiant in ((plies.a, plies.commune_a, "DE-A"), (plies.b, plies.commune_b, "DE-B")):
        # Une étape d'une personne de B sur l'opération de A (une donnée qui ne devrait pas exister) : l'export ne la
        # prend pas pour autant.
        suivi = personne(plie, commune, identifiant, date(2016, 1, 4), nom=f"Nom-{identifiant}")
        Etape.objects.create(participant=suivi, type=formation, date_debut=date(2016, 2, 1), date_fin=date(2016, 5, 1),
                             operation=action)
    archive = zipfile.ZipFile(io.BytesIO(export_mdfse(action)))
    feuille = load_workbook(io.BytesIO(archive.read(f"mdfse-{action.code}.xlsx")))["participants"]
    noms = {c for ligne in feuille.iter_rows(min_row=2, values_only=True) for c in ligne if isinstance(c, str)}
    assert "Nom-DE-A" in noms and "Nom-DE-B" not in noms
    # La commande : --plie ne trouve que les opérations de ce PLIE.
    with pytest.raises(CommandError, match="Aucune opération"):
        call_command("export_mdfse", action.code, "--plie", "PLIEB", "--sortie", str(tmp_path / "b.zip"))
    call_command("export_mdfse", action.code, "--plie", "PLIE", "--sortie", str(tmp_path / "a.zip"))
    assert zipfile.ZipFile(tmp_path / "a.zip").namelist()


def test_le_pivot_voit_les_bilans_de_ses_deux_plie_sur_la_liste(client, plies):
    gestionnaire_a = compte(Role.GESTIONNAIRE, plies.a, username="gestionnaire-a")
    bilan_a = _bilan(operation(plies.structure_a, etat=Etat.EN_REALISATION), gestionnaire_a)
    bilan_b = _bilan(operation(plies.structure_b, etat=Etat.EN_REALISATION), gestionnaire_a)
    client.force_login(animation_pivot(plies))
    codes = lambda: {b.operation.code for b in client.get(reverse("justificatifs:liste")).context["page"]}  # noqa: E731
    assert codes() == {bilan_a.operation.code, bilan_b.operation.code}
    choisir(client, plies.b)
    assert codes() == {bilan_b.operation.code}
