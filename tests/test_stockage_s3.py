"""Les fichiers sur un stockage objet S3 (le serveur moto de .ci/run, par le vrai client boto3) : une pièce déposée est
dans le bucket, privée, et ne se télécharge que par la vue qui vérifie les droits ; un document généré y est avec son
empreinte et se convertit en PDF ; un fichier retiré disparaît du bucket.

Chaque objet est relu avec boto3 directement, sans passer par django-storages : c'est bien le bucket qui est vérifié.
"""
import hashlib
import io

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from appels_projets.documents import accuse_reception_generer
from operations.documents import document_pdf
from operations.options import Etat
from tests.appels_projets.factories import ReponseFactory
from tests.appels_projets.test_pages_appels import deposer, pdf_reel, texte

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


@pytest.fixture
def bucket():
    """Le client boto3 du bucket, sans django-storages, et la clé d'un fichier stocké dans le bucket."""
    client = boto3.client("s3", endpoint_url=settings.STORAGES["default"]["OPTIONS"]["endpoint_url"],
                          region_name=settings.STORAGES["default"]["OPTIONS"]["region_name"])
    cle = lambda fichier: f"{default_storage.location}/{fichier.name}"  # noqa: E731 (le préfixe du test, voir conftest)

    class Bucket:
        def lire(self, fichier) -> bytes:
            return client.get_object(Bucket=settings.STOCKAGE_S3_BUCKET, Key=cle(fichier))["Body"].read()

        def existe(self, fichier) -> bool:
            try:
                client.head_object(Bucket=settings.STOCKAGE_S3_BUCKET, Key=cle(fichier))
            except ClientError as erreur:
                assert erreur.response["Error"]["Code"] in ("404", "NoSuchKey")
                return False
            return True

        def droits(self, fichier) -> list[dict]:
            return client.get_object_acl(Bucket=settings.STOCKAGE_S3_BUCKET, Key=cle(fichier))["Grants"]

    return Bucket()


def test_le_stockage_par_defaut_est_le_bucket():
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default_storage.bucket_name == settings.STOCKAGE_S3_BUCKET


def test_une_piece_deposee_est_dans_le_bucket_privee_et_servie_par_la_vue_seulement(
        client, bucket, porteur, porteur_autre, structure):
    reponse = ReponseFactory(operation__porteur=structure)
    client.force_login(porteur)
    page = texte(deposer(client, reponse, pdf_reel(), "budget-2016.pdf"))
    assert "Budget prévisionnel signé : le fichier « budget-2016.pdf » est déposé." in page
    depot = reponse.pieces.get()

    assert bucket.lire(depot.fichier) == pdf_reel()  # dans le bucket, tel que déposé
    # Privé : seul le propriétaire du bucket a des droits, aucune autorisation à « AllUsers » (lecture publique).
    assert not [g for g in bucket.droits(depot.fichier) if g["Grantee"].get("URI", "").endswith("/AllUsers")]
    assert settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] not in page  # aucune adresse du bucket dans la page

    telechargement = client.get(reverse("appels_projets:piece", args=[reponse.pk, depot.pk]))
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content) == pdf_reel()  # relu du bucket et servi par l'application

    client.force_login(porteur_autre)  # une autre structure : la pièce n'existe pas pour elle
    assert client.get(reverse("appels_projets:piece", args=[reponse.pk, depot.pk])).status_code == 404


def test_un_fichier_retire_disparait_du_bucket(client, bucket, porteur, structure):
    reponse = ReponseFactory(operation__porteur=structure)
    client.force_login(porteur)
    deposer(client, reponse, pdf_reel(), "budget-2016.pdf")
    depot = reponse.pieces.get()
    assert bucket.existe(depot.fichier)

    page = texte(client.post(reverse("appels_projets:retirer_piece", args=[reponse.pk, depot.pk]), follow=True))
    assert "Le fichier « budget-2016.pdf » est retiré." in page
    assert not bucket.existe(depot.fichier)


def test_un_document_genere_est_dans_le_bucket_avec_son_empreinte(client, bucket, porteur, porteur_autre, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    accuse = accuse_reception_generer(reponse)

    contenu = bucket.lire(accuse.fichier)
    assert contenu.startswith(b"PK") and hashlib.sha256(contenu).hexdigest() == accuse.empreinte
    assert accuse_reception_generer(reponse) == accuse  # mêmes données : le même document, pas un second objet

    client.force_login(porteur)
    fichier = client.get(reverse("appels_projets:document_reponse", args=[reponse.pk, accuse.pk]))
    assert b"".join(fichier.streaming_content) == contenu
    client.force_login(porteur_autre)
    assert client.get(reverse("appels_projets:document_reponse", args=[reponse.pk, accuse.pk])).status_code == 404


@pytest.mark.libreoffice
def test_un_document_du_bucket_se_convertit_en_pdf_dans_le_bucket(bucket):
    reponse = ReponseFactory(operation__etat=Etat.DEPOSEE, operation__intitule="Remobilisation 2016")
    pdf = document_pdf(accuse_reception_generer(reponse))  # LibreOffice lit une copie locale temporaire du Word

    contenu = bucket.lire(pdf.fichier)
    assert hashlib.sha256(contenu).hexdigest() == pdf.empreinte
    texte_pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    assert f"Opération {reponse.operation.code} — Remobilisation 2016" in " ".join(texte_pdf.split())
