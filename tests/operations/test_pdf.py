"""Le PDF d'un document Word, par LibreOffice : texte conservé, produit une fois, erreurs claires, délai tenu."""
import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from appels_projets.documents import accuse_reception_generer
from operations.documents import document_pdf, documents_de
from operations.models import DocumentGenere
from operations.options import Etat
from operations.pdf import ConversionImpossible, convertir_en_pdf, libreoffice
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


@pytest.mark.parametrize("reglage", ["/nulle/part/soffice", ""], ids=["chemin-absent", "absent-du-path"])
def test_sans_libreoffice_un_message_clair_et_rien_de_stocke(accuse, settings, monkeypatch, reglage):
    settings.LIBREOFFICE = reglage
    monkeypatch.setattr("operations.pdf.shutil.which", lambda nom: None)
    assert libreoffice() is None
    with pytest.raises(ConversionImpossible, match="LibreOffice n'est pas installé sur ce serveur"):
        document_pdf(accuse)
    assert produire_pdf.delay(accuse.pk).get() is None  # la tâche le journalise, le Word reste disponible
    assert not documents_de(accuse.objet, "accuse_reception_pdf").exists()


def faux_soffice(dossier: Path, script: str) -> str:
    programme = dossier / "soffice"
    programme.write_text("#!/bin/sh\n" + script + "\n")
    programme.chmod(0o755)
    return str(programme)


def vivant(pid: int) -> bool:
    """Un processus zombie (tué, pas encore ramassé par init) ne compte pas."""
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return etat not in "ZX"


def test_une_conversion_qui_ne_rend_pas_la_main_est_interrompue_sans_orphelin(settings, tmp_path):
    # l'enfant lancé par le script (comme soffice.bin par soffice) doit mourir avec lui
    fichier_pid = tmp_path / "enfant.pid"
    settings.LIBREOFFICE = faux_soffice(tmp_path, f"sleep 30 &\necho $! > {fichier_pid}\nwait")
    settings.PDF_DELAI_MAX = 1
    debut = time.monotonic()
    with pytest.raises(ConversionImpossible, match="a dépassé 1 secondes"):
        convertir_en_pdf(b"PK fictif")
    assert time.monotonic() - debut < 10
    enfant = int(fichier_pid.read_text())
    for _ in range(50):  # SIGKILL est livré de façon asynchrone
        if not vivant(enfant):
            break
        time.sleep(0.1)
    assert not vivant(enfant)


@pytest.mark.parametrize("script, message", [
    ("echo 'Error: source file could not be loaded' >&2\nexit 3",
     r"n'a pas produit le PDF \(code 3\)\. Error: source file could not be loaded"),
    ("exit 0", r"n'a pas produit le PDF \(code 0\)"),
    ('for a; do source=$a; done\nprintf "pas un pdf" > "${source%.docx}.pdf"', "n'est pas un PDF"),
], ids=["code-erreur", "aucun-fichier", "pas-un-pdf"])
def test_un_echec_de_libreoffice_est_explique(settings, tmp_path, script, message):
    settings.LIBREOFFICE = faux_soffice(tmp_path, script)
    with pytest.raises(ConversionImpossible, match=message):
        convertir_en_pdf(b"PK fictif")
