"""Sauvegarde puis restauration sur PostgreSQL : après des pertes (lignes effacées, fichier supprimé, ligne ajoutée),
la restauration rend exactement l'état sauvegardé, vérifié table par table et fichier par fichier (empreintes)."""
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from annuaire.roles import Role
from operations.models import Operation, Traitement
from pilotage.sauvegarde import ecarts, restaurer, sauvegarder
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_aller_retour_sans_perte(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    OperationFactory(porteur=StructureFactory(nom="IRFA"), intitule="Remobilisation")
    traitement = Traitement.objects.create(libelle="Archive des feuilles", demande_par=utilisateur(Role.ANIMATION))
    traitement.fichier.save("feuilles.zip", ContentFile(b"PK\x05\x06" + bytes(18)))

    dossier = sauvegarder(tmp_path / "sauvegardes")
    manifeste = json.loads((dossier / "manifeste.json").read_text())
    assert manifeste["lignes"]["operations_operation"] == 1 and len(manifeste["fichiers"]) == 1

    # Des pertes : une ligne effacée, son fichier supprimé, une opération ajoutée entre-temps.
    traitement.fichier.delete(save=False)
    traitement.delete()
    OperationFactory(intitule="Créée après la sauvegarde")
    assert len(ecarts(manifeste)) >= 3

    assert restaurer(dossier) == []
    assert list(Operation.objects.values_list("intitule", flat=True)) == ["Remobilisation"]
    restaure = Traitement.objects.get()
    with restaure.fichier.open("rb") as fichier:
        assert fichier.read() == b"PK\x05\x06" + bytes(18)


def test_la_commande_demande_confirmation(tmp_path):
    (tmp_path / "manifeste.json").write_text("{}")
    with pytest.raises(CommandError, match="relancez avec --confirmer"):
        call_command("restaurer", str(tmp_path))
    with pytest.raises(CommandError, match="n'est pas un dossier de sauvegarde"):
        call_command("restaurer", str(tmp_path / "ailleurs"), "--confirmer")
