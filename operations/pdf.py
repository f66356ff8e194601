"""La version PDF d'un document Word, par LibreOffice sans interface, là où il est installé.

Chaque conversion a son propre profil LibreOffice (dossier temporaire) : deux workers Celery qui convertissent en
même temps ne se disputent pas le profil partagé, qui bloquerait l'un d'eux. Un délai maximal tue le processus (et
ses enfants) s'il ne rend pas la main : un document piégé ne bloque pas un worker indéfiniment.
"""
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


class ConversionImpossible(Exception):
    """Le PDF n'a pas pu être produit ; le message dit pourquoi, en français."""


def libreoffice() -> str | None:
    """Le programme LibreOffice à utiliser, ou None s'il n'est pas installé."""
    if settings.LIBREOFFICE:
        return settings.LIBREOFFICE if os.access(settings.LIBREOFFICE, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convertir_en_pdf(contenu_docx: bytes, *, nom: str = "document.docx") -> bytes:
    programme = libreoffice()
    if programme is None:
        raise ConversionImpossible("LibreOffice n'est pas installé sur ce serveur : seul le document Word est disponible.")
    delai = settings.PDF_DELAI_MAX
    with tempfile.TemporaryDirectory(prefix="plie-pdf-") as dossier:
        source = Path(dossier) / Path(nom).name
        source.write_bytes(contenu_docx)
        commande = [programme, "--headless", "--norestore", "--nolockcheck",
                    f"-env:UserInstallation={Path(dossier, 'profil').as_uri()}",
                    "--convert-to", "pdf", "--outdir", dossier, str(source)]
        processus = subprocess.Popen(commande, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, erreurs = processus.communicate(timeout=delai)
        except subprocess.TimeoutExpired:
            os.killpg(processus.pid, signal.SIGKILL)
            processus.communicate()
            raise ConversionImpossible(f"La conversion en PDF a dépassé {delai} secondes : elle a été interrompue.") from None
        pdf = source.with_suffix(".pdf")
        if processus.returncode != 0 or not pdf.exists():
            detail = erreurs.decode(errors="replace").strip()[:300]
            raise ConversionImpossible(f"LibreOffice n'a pas produit le PDF (code {processus.returncode}). {detail}".strip())
        resultat = pdf.read_bytes()
    if not resultat.startswith(b"%PDF"):
        raise ConversionImpossible("Le fichier produit par LibreOffice n'est pas un PDF.")
    return resultat
