"""Le PDF d'un document Word, par LibreOffice : texte conservé, produit une fois, erreurs claires, délai tenu."""
import io
import time

import pytest
from pypdf import PdfReader

from appels_projets.documents import accuse_reception_generer
from operations.documents import document_pdf, documents_de
from operations.models import DocumentGenere
from operations.options import Etat
from operations.pdf import ConversionImpossible, convertir_en_pdf
from operations.tasks import produire_pdf
from tests.appels_projets.factories import ReponseFactory


@pytest.fixture
def accuse(db):
    reponse = ReponseFactory(operation__etat=Etat.DEPOSEE, operation__intitule="Remobilisation & compétences <2016>")
    return accuse_reception_generer(reponse)


def texte_pdf(document: DocumentGenere) -> str:
    with document.fichier.open("rb") as fichier:
        texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(fichier.read())).pages)
    return " ".join(texte.split())  # les retours à la ligne du PDF ne comptent pas


@pytest.mark.libreoffice
def test_le_pdf_reprend_le_document_et_n_est_produit_qu_une_fois(accuse):
    pdf = document_pdf(accuse)

    assert pdf.nature == "accuse_reception_pdf" and pdf.nom.endswith(".pdf")
    assert pdf.version_donnees == accuse.version_donnees and pdf.objet == accuse.objet
    contenu = texte_pdf(pdf)
    operation = accuse.objet.operation
    assert f"Opération {operation.code} — Remobilisation & compétences <2016>" in contenu
    assert "Montant FSE demandé 9 022,15 €" in contenu.replace("\u202f", " ").replace("\u00a0", " ")
    assert document_pdf(accuse) == pdf  # rejoué : le même
    assert produire_pdf.delay(accuse.pk).get() == pdf.pk
    assert documents_de(accuse.objet, "accuse_reception_pdf").count() == 1


def test_sans_libreoffice_un_message_clair_et_rien_de_stocke(accuse, settings):
    settings.LIBREOFFICE = "/nulle/part/soffice"
    with pytest.raises(ConversionImpossible, match="LibreOffice n'est pas installé sur ce serveur"):
        document_pdf(accuse)
    assert produire_pdf.delay(accuse.pk).get() is None  # la tâche le journalise, le Word reste disponible
    assert not documents_de(accuse.objet, "accuse_reception_pdf").exists()


def test_une_conversion_qui_ne_rend_pas_la_main_est_interrompue(settings, tmp_path):
    bloque = tmp_path / "soffice"
    bloque.write_text("#!/bin/sh\nsleep 30\n")
    bloque.chmod(0o755)
    settings.LIBREOFFICE, settings.PDF_DELAI_MAX = str(bloque), 1
    debut = time.monotonic()
    with pytest.raises(ConversionImpossible, match="a dépassé 1 secondes"):
        convertir_en_pdf(b"PK fictif")
    assert time.monotonic() - debut < 10
