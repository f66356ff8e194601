"""Un administrateur remplace un modèle Word : vérifié avant d'être accepté, il sert aux générations suivantes ;
refusé, rien n'est gardé et le message dit pourquoi (variables inconnues listées)."""
import html
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from appels_projets.documents import accuse_reception_generer
from operations.documents import MODELES, documents_de
from operations.models import ModeleDocument
from operations.modeles_documents import ActionRefusee, modele_televerser
from operations.options import Etat
from tests.appels_projets.factories import PDF, ReponseFactory
from tests.lecture_docx import ouvrir, texte
from tests.stockage import fichiers


def accuse_modifie(ajout: str) -> bytes:
    """Le modèle livré de l'accusé de réception, avec un paragraphe de plus."""
    modele = Document(str(MODELES["accuse_reception"].chemin))
    modele.add_paragraph(ajout)
    sortie = io.BytesIO()
    modele.save(sortie)
    return sortie.getvalue()


def accuse_sans(variable: str) -> bytes:
    """Le modèle livré de l'accusé de réception dont l'en-tête et le pied de page ont perdu `{{ variable }}`."""
    modele = Document(str(MODELES["accuse_reception"].chemin))
    for partie in (modele.sections[0].header, modele.sections[0].footer):
        for paragraphe in partie.paragraphs:
            for run in paragraphe.runs:
                run.text = run.text.replace(f"{{{{ {variable} }}}}", "")
    sortie = io.BytesIO()
    modele.save(sortie)
    return sortie.getvalue()


def depot(contenu: bytes, nom="accuse.docx"):
    return SimpleUploadedFile(nom, contenu)


def xlsx() -> bytes:
    """Une archive Office qui n'est pas un document Word (pas de word/document.xml)."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return sortie.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


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


def test_redeposer_le_modele_livre_le_remet_en_vigueur_et_toutes_les_versions_restent(administrateur, db):
    reponse = ReponseFactory(operation__etat=Etat.DEPOSEE)
    modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("Texte provisoire.")),
                      commentaire="Essai.", user=administrateur)
    livre = MODELES["accuse_reception"].chemin.read_bytes()
    retour = modele_televerser(nature="accuse_reception", fichier=depot(livre, "accuse_reception.docx"),
                               commentaire="Retour au modèle livré.", user=administrateur)

    assert retour.version == 2 and ModeleDocument.objects.count() == 2
    assert "Texte provisoire." not in texte(ouvrir(accuse_reception_generer(reponse)))
    with ModeleDocument.objects.get(version=1).fichier.open("rb") as premiere:  # gardée, téléchargeable
        assert "Texte provisoire." in texte(Document(premiere))


PAS_UN_DOCX = ("Le fichier « accuse.docx » n'est pas un document Word .docx (son contenu a été vérifié",)


@pytest.mark.parametrize(("contenu", "morceaux"), [
    (accuse_modifie("{{ variable_inconnue }} et {{ operation.code }} et {{ autre_inconnue|euros }}"),
     ("Le modèle attend des variables que l'application ne fournit pas : autre_inconnue, variable_inconnue. "
      "Variables disponibles : voir la page du modèle.",)),
    (accuse_modifie("{% if operation %}jamais fermé"), ("mal écrite : une balise {% if %}", "n'est jamais fermée")),
    (accuse_modifie("Montant : {{ montant_fse_demande|euros }"),
     ("mal écrite : dans le paragraphe « Montant : {{ montant_fse_demande|euros } ».", "unexpected '}'")),
    (accuse_modifie("{{ cout_total|inexistant }}"),
     ("dans le paragraphe « {{ cout_total|inexistant }} »", "No filter named 'inexistant'")),
    (accuse_sans("mention_fse"), ("Le modèle doit porter l'emblème de l'Union ({{ embleme_ue }}) et les mentions du "
                                  "programme européen ({{ mention_fse }})", "il manque {{ mention_fse }}.")),
    (accuse_sans("embleme_ue"), ("il manque {{ embleme_ue }}.",)),
    (PDF, PAS_UN_DOCX),
    (PNG, PAS_UN_DOCX),
    (b"PK\x03\x04 pas vraiment une archive", PAS_UN_DOCX),
    (xlsx(), PAS_UN_DOCX),
], ids=["variables-inconnues", "balise-non-fermee", "accolade-manquante", "filtre-inconnu", "sans-mention",
        "sans-embleme", "pdf", "png", "faux-zip",
        "classeur-excel"])
def test_un_modele_qui_casserait_les_generations_est_refuse(administrateur, contenu, morceaux):
    with pytest.raises(ActionRefusee) as refus:
        modele_televerser(nature="accuse_reception", fichier=depot(contenu), commentaire="Essai.", user=administrateur)
    for morceau in morceaux:
        assert morceau in str(refus.value)
    assert not ModeleDocument.objects.exists()


def test_seul_un_administrateur_depose_un_modele(animation):
    with pytest.raises(ActionRefusee, match="Seul un administrateur"):
        modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("x")), commentaire="x", user=animation)
    assert not ModeleDocument.objects.exists()


def page(client, nom, *args) -> str:
    reponse = client.get(reverse(nom, args=args))
    assert reponse.status_code == 200
    return html.unescape(reponse.content.decode())


def test_les_pages_listent_les_modeles_et_leurs_variables(client, administrateur, animation):
    client.force_login(administrateur)
    liste = page(client, "operations:modeles")
    for modele in MODELES.values():
        assert modele.titre in liste and modele.fichier in liste
    assert 'href="/modeles/"' in liste and "modèle livré avec l'application" in liste  # menu des administrateurs
    convention = page(client, "operations:modele", "convention")
    assert "<code>paiement</code>" in convention and "modalités de paiement" in convention
    assert "<code>embleme_ue</code>" in convention and "(commune à tous les modèles)" in convention
    livre = client.get(reverse("operations:version_modele", args=["convention", 0]))
    assert b"".join(livre.streaming_content) == MODELES["convention"].chemin.read_bytes()
    assert 'filename="convention.docx"' in livre["Content-Disposition"]

    client.force_login(animation)
    assert 'href="/modeles/"' not in page(client, "accueil")


def test_deposer_par_la_page_refus_explique_puis_version_en_vigueur(client, administrateur):
    client.force_login(administrateur)
    adresse = reverse("operations:modele", args=["accuse_reception"])

    reponse = client.post(adresse, {"fichier": depot(accuse_modifie("{{ inconnue }}")), "commentaire": "Essai"})
    contenu = html.unescape(reponse.content.decode())
    assert reponse.status_code == 200 and 'id="resume-erreurs"' in contenu
    assert "l'application ne fournit pas : inconnue." in contenu and 'href="#id_fichier"' in contenu
    reponse = client.post(adresse, {"fichier": depot(accuse_modifie("Texte revu."))})
    assert 'id="resume-erreurs"' in reponse.content.decode()  # commentaire obligatoire
    assert not ModeleDocument.objects.exists()

    revu = accuse_modifie("Texte revu.")
    reponse = client.post(adresse, {"fichier": depot(revu), "commentaire": "Texte revu"}, follow=True)
    contenu = html.unescape(reponse.content.decode())
    assert ModeleDocument.objects.get().version == 1
    assert "La version 1 du modèle « Accusé de réception" in contenu and "Version 1</a> (en vigueur)" in contenu
    assert "Texte revu" in contenu and str(administrateur) in contenu
    assert "version 1, déposée le" in page(client, "operations:modeles")
    telechargement = client.get(reverse("operations:version_modele", args=["accuse_reception", 1]))
    assert telechargement["Content-Disposition"].startswith("attachment")
    assert b"".join(telechargement.streaming_content) == revu
    assert client.get(reverse("operations:version_modele", args=["accuse_reception", 2])).status_code == 404
    assert client.get(reverse("operations:modele", args=["inconnu"])).status_code == 404


def test_deux_depots_simultanes_le_second_est_refuse_sans_fichier_orphelin(administrateur, monkeypatch, settings):
    def un_autre_depot_passe_avant(contenu):  # pendant que le fichier du premier s'écrit
        ModeleDocument.objects.create(nature="accuse_reception", version=1, empreinte="0" * 64,
                                      commentaire="Déposé en même temps.", fichier="modeles/autre.docx")
        return ContentFile(contenu)

    monkeypatch.setattr("operations.modeles_documents.ContentFile", un_autre_depot_passe_avant)
    with pytest.raises(ActionRefusee, match="Une autre version de ce modèle vient d'être déposée"):
        modele_televerser(nature="accuse_reception", fichier=depot(accuse_modifie("x")), commentaire="x",
                          user=administrateur)
    assert ModeleDocument.objects.get().commentaire == "Déposé en même temps."
    assert not fichiers("modeles")
