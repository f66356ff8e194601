"""Contrôle des fichiers déposés : le type est lu dans le contenu, jamais dans le nom. Et l'inventaire du stockage."""
import io
import posixpath
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from .formats import nombre

TAILLE_MAX = 10 * 1024 * 1024  # 10 Mo : un scan de pièce signée tient largement dedans

TYPES_ACCEPTES = {
    "application/pdf": "PDF",
    "image/jpeg": "image JPEG",
    "image/png": "image PNG",
    "image/tiff": "image TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (xlsx)",
    "application/vnd.oasis.opendocument.text": "OpenDocument texte (odt)",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument classeur (ods)",
    "application/msword": "Word 97-2003 (doc)",
    "application/vnd.ms-excel": "Excel 97-2003 (xls)",
}
SIGNATURE_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # conteneur des .doc et .xls


def _type_bureautique(debut: bytes, contenu) -> str | None:
    """Un docx, xlsx, odt ou ods est une archive zip dont on reconnaît l'arborescence."""
    if debut.startswith(SIGNATURE_OLE):
        # .doc ou .xls : même conteneur, accepté sous un même type, s'il en a l'en-tête de 512 octets (ordre des
        # octets FFFE, secteurs de 512 ou 4 096 octets) : la signature seule suivie de n'importe quoi ne suffit pas.
        entete = contenu.getvalue()[:512]
        if len(entete) == 512 and entete[28:30] == b"\xfe\xff" and entete[30:32] in (b"\x09\x00", b"\x0c\x00"):
            return "application/msword"
        return None
    if not debut.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(contenu) as archive:
            noms = set(archive.namelist())
            if "mimetype" in noms:
                mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
                return mimetype if mimetype in TYPES_ACCEPTES else None
            if "[Content_Types].xml" in noms:
                if any(n.startswith("word/") for n in noms):
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                if any(n.startswith("xl/") for n in noms):
                    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    except zipfile.BadZipFile:
        return None
    return None


def verifier_fichier(fichier, *, taille_max: int = TAILLE_MAX, libelle: str = "Le fichier") -> str:
    """Renvoie le type MIME reconnu, ou lève ValidationError en français (taille, type non accepté)."""
    nom = getattr(fichier, "name", "fichier")
    if fichier.size == 0:
        raise ValidationError(f"{libelle} « {nom} » est vide.")
    if fichier.size > taille_max:
        raise ValidationError(
            f"{libelle} « {nom} » pèse {nombre(round(fichier.size / 1024 / 1024, 1))} Mo : "
            f"le maximum est {nombre(taille_max // (1024 * 1024))} Mo."
        )
    fichier.seek(0)
    contenu = fichier.read()
    fichier.seek(0)
    if contenu.startswith(b"%PDF-"):
        return "application/pdf"
    image = filetype.image_match(contenu[:8192])
    type_mime = image.mime if image else _type_bureautique(contenu[:8], io.BytesIO(contenu))
    if type_mime not in TYPES_ACCEPTES:
        raise ValidationError(
            f"{libelle} « {nom} » n'est ni un PDF, ni une image, ni un document bureautique "
            "(son contenu a été vérifié, pas seulement son nom). Types acceptés : PDF, JPEG, PNG, TIFF, "
            "Word, Excel, OpenDocument."
        )
    return type_mime


def fichiers_stockes(dossier: str = ""):
    """Le chemin de chaque fichier du stockage des fichiers (disque sous MEDIA_ROOT, ou bucket S3), dossier par dossier."""
    try:
        dossiers, fichiers = default_storage.listdir(dossier)
    except FileNotFoundError:  # sur disque, un dossier pas encore créé
        return
    for nom in sorted(fichiers):
        yield posixpath.join(dossier, nom)
    for nom in sorted(dossiers):
        yield from fichiers_stockes(posixpath.join(dossier, nom))
