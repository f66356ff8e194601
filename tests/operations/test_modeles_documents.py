"""Un administrateur remplace un modèle Word : vérifié avant d'être accepté, il sert aux générations suivantes ;
refusé, rien n'est gardé et le message dit pourquoi (variables inconnues listées)."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from appels_projets.documents import accuse_reception_generer
from operations.documents import MODELES, documents_de
from operations.models import ModeleDocument
from operations.options import Etat
from operations.services import ActionRefusee, modele_televerser
from tests.appels_projets.factories import PDF, ReponseFactory
from tests.lecture_docx import ouvrir, texte


def accuse_modifie(ajout: str) -> bytes:
    """Le modèle livré de l'accusé de réception, avec un paragraphe de plus."""
    modele = Document(str(MODELES["accuse_reception"].chemin))
    modele.add_paragraph(ajout)
    sortie = io.BytesIO()
    modele.save(sortie)
    return sortie.getvalue()


def depot(contenu: bytes, nom="accuse.docx"):
    return SimpleUploadedFile(nom, contenu)


def test_une_nouvelle_version_sert_aux_generations_suivantes(administrateur, db):
    reponse = ReponseFactory(operation__etat=Etat.DEPOSEE)
    avant = accuse_reception_generer(reponse)

    version = modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("Horaires d'accueil : 9 h - 17 h.")),
                                commentaire="Ajout des horaires d'accueil.", user=administrateur)

    assert (version.version, version.televerse_par) == (1, administrateur)
    apres = accuse_reception_generer(reponse)  # mêmes données, nouveau modèle : un nouveau document
    assert apres != avant and documents_de(reponse, "accuse_reception").count() == 2
    assert "Horaires d'accueil : 9 h - 17 h." in texte(ouvrir(apres))
    assert "Horaires d'accueil" not in texte(ouvrir(avant))
    suivante = modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("Autre ajout.")),
                                 commentaire="Reformulation.", user=administrateur)
    assert suivante.version == 2


@pytest.mark.parametrize(("contenu", "message"), [
    (accuse_modifie("{{ variable_inconnue }} et {{ operation.code }} et {{ autre_inconnue|euros }}"),
     "des variables que l'application ne fournit pas : autre_inconnue, variable_inconnue."),
    (accuse_modifie("{% if operation %}jamais fermé"), "Une balise du modèle est mal écrite"),
    (PDF, "n'est pas un document Word .docx"),
    (b"PK\x03\x04 pas vraiment une archive", "n'est pas un document Word .docx"),
])
def test_un_modele_qui_casserait_les_generations_est_refuse(administrateur, contenu, message):
    with pytest.raises(ActionRefusee, match=message):
        modele_televerser(nature="accuse_reception", fichier=depot(contenu), commentaire="Essai.", user=administrateur)
    assert not ModeleDocument.objects.exists()


def test_seul_un_administrateur_depose_un_modele(animation):
    with pytest.raises(ActionRefusee, match="Seul un administrateur"):
        modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("x")), commentaire="x", user=animation)
    assert not ModeleDocument.objects.exists()


def test_les_pages_listent_les_modeles_leurs_variables_et_disent_le_refus(client, administrateur):
    client.force_login(administrateur)
    liste = client.get(reverse("operations:modeles")).content.decode()
    for modele in MODELES.values():
        assert modele.titre.replace("'", "&#x27;") in liste
    page = client.get(reverse("operations:modele", args=["convention"])).content.decode()
    assert "<code>paiement</code>" in page and "<code>embleme_ue</code>" in page

    reponse = client.post(reverse("operations:modele", args=["accuse_reception"]),
                          {"fichier": depot(accuse_modifie("{{ inconnue }}")), "commentaire": "Essai"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="resume-erreurs"' in contenu and "inconnue" in contenu
    assert not ModeleDocument.objects.exists()

    reponse = client.post(reverse("operations:modele", args=["accuse_reception"]),
                          {"fichier": depot(accuse_modifie("Texte revu.")), "commentaire": "Texte revu"})
    assert reponse.status_code == 302 and ModeleDocument.objects.get().version == 1
    telechargement = client.get(reverse("operations:version_modele", args=["accuse_reception", 1]))
    assert telechargement["Content-Disposition"].startswith("attachment")
    assert b"".join(telechargement.streaming_content).startswith(b"PK")
