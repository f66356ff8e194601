"""Génération des documents Word (docxtpl) : un modèle documenté, un contexte, un fichier stocké une fois.

Chaque modèle de `templates/docx/` est déclaré dans MODELES avec les variables que le code lui donne ;
un test vérifie que le modèle n'en attend pas d'autres. Le rendu échappe le texte (`&`, `<`, `>`).
"""
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from docxtpl import DocxTemplate, InlineImage
from docx.shared import Mm

from annuaire.formats import euros, montant, nombre, pourcentage

from .models import DocumentGenere, ModeleDocument

DOSSIER_MODELES = Path(settings.BASE_DIR) / "templates" / "docx"
EMBLEME_UE = Path(settings.BASE_DIR) / "static" / "img" / "embleme-ue.png"


@dataclass(frozen=True)
class Modele:
    fichier: str
    titre: str
    variables: dict[str, str]  # nom -> description, affichée aux administrateurs

    @property
    def chemin(self) -> Path:
        return DOSSIER_MODELES / self.fichier


VARIABLES_COMMUNES = {
    "embleme_ue": "emblème de l'Union européenne (image)",
    "mention_fse": ("mentions obligatoires du ou des programmes européens du document, lues du programme de chaque "
                    "opération concernée : une ligne par programme (à placer près de l'emblème, en-tête et pied de page)"),
    "date_edition": "date d'édition du document (JJ/MM/AAAA)",
    "plie": "nom de la structure d'animation du PLIE",
}

MODELES: dict[str, Modele] = {}


class MentionManquante(Exception):
    """Un document sans les mentions obligatoires de son programme ne se rend pas (le message dit lequel)."""


@dataclass(frozen=True)
class ImageDocx:
    """Une image (PNG) à insérer dans un document, à la largeur donnée : un graphique du rapport d'activité."""

    contenu: bytes
    largeur_mm: int


def declarer_modele(nature: str, fichier: str, titre: str, variables: dict[str, str]) -> Modele:
    """Chaque app déclare ses modèles (au chargement de son module de documents)."""
    MODELES[nature] = Modele(fichier, titre, {**VARIABLES_COMMUNES, **variables})
    return MODELES[nature]


def filtres_fr():
    """Filtres Jinja disponibles dans les modèles Word : `{{ montant|euros }}`, `{{ d|date }}`..."""
    return {
        "euros": euros,
        "montant": montant,
        "nombre": nombre,
        "pourcentage": pourcentage,
        "date": lambda d: d.strftime("%d/%m/%Y") if d else "",
    }


def _jsonable(valeur):
    if isinstance(valeur, Decimal | date | datetime):
        return str(valeur)
    if isinstance(valeur, InlineImage):
        return "image"
    if isinstance(valeur, ImageDocx):
        return hashlib.sha256(valeur.contenu).hexdigest()
    raise TypeError(type(valeur))


def empreinte_donnees(contexte: dict) -> str:
    texte = json.dumps(contexte, sort_keys=True, default=_jsonable, ensure_ascii=False)
    return hashlib.sha256(texte.encode()).hexdigest()


def version_active(nature: str) -> ModeleDocument | None:
    """La dernière version déposée par un administrateur, ou None : c'est alors le fichier livré qui sert."""
    return ModeleDocument.objects.filter(nature=nature).order_by("-version").first()


def chemin_actif(nature: str) -> Path | io.BytesIO:
    """Le modèle qui sert aux générations : la dernière version déposée, sinon le fichier livré."""
    active = version_active(nature)
    if active is None:
        return MODELES[nature].chemin
    with active.fichier.open("rb") as fichier:
        return io.BytesIO(fichier.read())


def rendre(nature: str, contexte: dict) -> bytes:
    """Rend le modèle Word `nature` avec `contexte` (plus les variables communes) ; renvoie les octets du docx.

    Le contexte porte `mention_fse`, calculée par `operations.programmes.mention_de` d'après les programmes du document
    (règlement (UE) n° 1303/2013, annexe XII, 2.2 ; règlement (UE) 2021/1060, art. 47) : sans elle, MentionManquante.
    """
    from jinja2 import Environment

    if not (contexte.get("mention_fse") or "").strip():
        raise MentionManquante(f"Le document « {MODELES[nature].titre} » n'a pas les mentions obligatoires de son "
                               f"programme européen (mention_fse) : il n'est pas produit.")
    gabarit = DocxTemplate(chemin_actif(nature))
    environnement = Environment(autoescape=True)
    environnement.filters.update(filtres_fr())
    complet = {
        "embleme_ue": InlineImage(gabarit, str(EMBLEME_UE), height=Mm(14)),
        "plie": "PLIE de l'agglomération dijonnaise",
        **{cle: InlineImage(gabarit, io.BytesIO(v.contenu), width=Mm(v.largeur_mm)) if isinstance(v, ImageDocx) else v
           for cle, v in contexte.items()},
    }
    complet.setdefault("date_edition", date.today().strftime("%d/%m/%Y"))
    gabarit.render(complet, jinja_env=environnement, autoescape=True)
    sortie = io.BytesIO()
    gabarit.save(sortie)
    return sortie.getvalue()


def variables_inconnues(nature: str, chemin: Path | IO[bytes] | None = None) -> set[str]:
    """Les variables qu'un modèle Word attend et que le code ne lui donne pas (à refuser avant qu'il casse).

    Sans `chemin` : le modèle livré ; un fichier déposé par un administrateur est vérifié au dépôt.
    Lève `jinja2.TemplateSyntaxError` si une balise est mal écrite.
    """
    return variables_attendues(nature, chemin) - set(MODELES[nature].variables)


def variables_attendues(nature: str, chemin: Path | IO[bytes] | None = None) -> set[str]:
    """Les variables qu'un modèle Word écrit (corps, en-têtes et pieds de page)."""
    from jinja2 import Environment

    environnement = Environment()
    environnement.filters.update(filtres_fr())
    return DocxTemplate(chemin or MODELES[nature].chemin).get_undeclared_template_variables(jinja_env=environnement)


def _existant(type_objet, objet, nature, version):
    return DocumentGenere.objects.filter(
        content_type=type_objet, object_id=objet.pk, nature=nature, version_donnees=version
    ).first()


def _stocker(*, type_objet, objet, nature: str, version: str, nom: str, contenu: bytes, user) -> DocumentGenere:
    """Enregistre le fichier et sa ligne ; si une tâche rejouée l'a créé entre-temps, rend le sien."""
    document = DocumentGenere(
        content_type=type_objet, object_id=objet.pk, nature=nature, nom=nom, cree_par=user,
        empreinte=hashlib.sha256(contenu).hexdigest(), version_donnees=version,
    )
    document.fichier.save(nom, ContentFile(contenu), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.fichier.delete(save=False)
        return _existant(type_objet, objet, nature, version)
    return document


def document_generer(*, objet, nature: str, contexte: dict, nom: str, user=None) -> DocumentGenere:
    """Rend et stocke le document, sauf s'il existe déjà pour ces mêmes données (idempotent)."""
    type_objet = ContentType.objects.get_for_model(objet)
    active = version_active(nature)  # un nouveau modèle déposé donne une nouvelle version du document
    version = empreinte_donnees({"nature": nature, **({"modele": active.version} if active else {}), **contexte})
    existant = _existant(type_objet, objet, nature, version)
    if existant:
        return existant
    return _stocker(type_objet=type_objet, objet=objet, nature=nature, version=version, nom=nom,
                    contenu=rendre(nature, {**contexte}), user=user)


def document_pdf(document: DocumentGenere, user=None) -> DocumentGenere:
    """Le jumeau PDF d'un document Word, produit une fois par version des données (LibreOffice).

    Lève `operations.pdf.ConversionImpossible` (message en français) si LibreOffice manque ou échoue.
    """
    from .pdf import convertir_en_pdf

    nature = f"{document.nature}_pdf"
    existant = _existant(document.content_type, document.objet, nature, document.version_donnees)
    if existant:
        return existant
    with document.fichier.open("rb") as fichier:
        contenu = convertir_en_pdf(fichier.read(), nom=document.nom)
    return _stocker(type_objet=document.content_type, objet=document.objet, nature=nature,
                    version=document.version_donnees, nom=str(Path(document.nom).with_suffix(".pdf")), contenu=contenu,
                    user=user)


def documents_de(objet, nature: str | None = None):
    documents = DocumentGenere.objects.filter(content_type=ContentType.objects.get_for_model(objet), object_id=objet.pk)
    return documents.filter(nature=nature) if nature else documents
