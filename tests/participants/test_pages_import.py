"""L'import depuis le web : aperçu (comptes, avertissements) puis confirmation ; erreurs listées par ligne, rien
d'écrit ; abandon qui efface les fichiers en attente."""
import time

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.models import ImportParticipants, Participant

from .test_import import LIGNE, csv


def deposer(client, *lignes):
    nom, contenu = csv(*lignes)
    return client.post(reverse("participants:importer"), {"participants": SimpleUploadedFile(nom, contenu)})


def en_attente() -> list[str]:
    return default_storage.listdir("imports-en-attente")[1]


def test_apercu_puis_confirmation(client, animation):
    client.force_login(animation)
    page = deposer(client, LIGNE, LIGNE.replace("P1;Durand", "P2;Martin").replace(";;;01/02", ";Inconnu;;01/02"))
    contenu = page.content.decode()
    assert "2 participants à créer" in contenu and "référent « Inconnu » inconnu" in contenu
    assert not Participant.objects.exists()  # l'aperçu n'écrit rien
    assert len(en_attente()) == 1  # dans le stockage des fichiers (disque ou bucket), partagé par les serveurs

    reponse = client.post(reverse("participants:confirmer_import"))
    assert reponse.status_code == 302 and Participant.objects.count() == 2
    trace = ImportParticipants.objects.get()
    assert trace.par == animation and trace.participants_crees == 2
    assert not en_attente()  # fichiers effacés
    assert "Import enregistré : 2 participant(s) créé(s)" in client.get(reponse.url).content.decode()


def test_erreurs_par_ligne_et_rien_d_ecrit(client, animation):
    client.force_login(animation)
    page = deposer(client, LIGNE, LIGNE.replace("P1;", "P3;").replace("12/03/1980", "1980"))
    contenu = page.content.decode()
    assert 'id="resume-erreurs"' in contenu
    assert "participants.csv, ligne 3, colonne date_naissance : « 1980 » n&#x27;est pas une date" in contenu
    assert client.post(reverse("participants:confirmer_import")).status_code == 302
    assert not Participant.objects.exists() and not ImportParticipants.objects.exists()


def test_abandon(client, animation):
    client.force_login(animation)
    deposer(client, LIGNE)
    client.post(reverse("participants:confirmer_import"), {"abandonner": "1"})
    client.post(reverse("participants:confirmer_import"))
    assert not Participant.objects.exists()


def test_les_imports_jamais_confirmes_sont_purges_apres_un_jour(client, animation):
    from participants.tasks import purger_imports_en_attente

    client.force_login(animation)
    deposer(client, LIGNE)
    assert len(en_attente()) == 1
    assert purger_imports_en_attente() == 0  # déposé à l'instant : gardé
    assert purger_imports_en_attente(maintenant=time.time() + 23 * 3600) == 0
    assert purger_imports_en_attente(maintenant=time.time() + 2 * 86400) == 1 and not en_attente()
