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
from annuaire.models import Plie, seul_plie
from annuaire.plies import chemin_plie

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
    "plie": "nom du PLIE dont vient le document",
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


def plie_de(objet) -> Plie | None:
    """Le PLIE d'un objet du projet, en suivant son champ `plie` ou son `CHEMIN_PLIE` (« operation__plie »...) ;
    à défaut, le seul PLIE de l'installation."""
    chemin = chemin_plie(type(objet))
    if chemin is None:
        return seul_plie()
    for attribut in chemin.split("__"):
        objet = getattr(objet, attribut)
    return objet


def version_active(nature: str, plie: Plie | None = None) -> ModeleDocument | None:
    """La dernière version déposée par un administrateur : celle du PLIE s'il en a une, sinon la commune ; None :
    c'est alors le fichier livré qui sert."""
    versions = ModeleDocument.objects.filter(nature=nature).order_by("-version")
    propre = versions.filter(plie=plie).first() if plie is not None else None
    return propre or versions.filter(plie__isnull=True).first()


def chemin_actif(nature: str, plie: Plie | None = None) -> Path | io.BytesIO:
    """Le modèle qui sert aux générations : la dernière version déposée (du PLIE, sinon commune), sinon le fichier
    livré."""
    active = version_active(nature, plie)
    if active is None:
        return MODELES[nature].chemin
    with active.fichier.open("rb") as fichier:
        return io.BytesIO(fichier.read())


def rendre(nature: str, contexte: dict, plie: Plie | None = None) -> bytes:
    """Rend le modèle Word `nature` du PLIE `plie` (à défaut, celui de l'installation) avec `contexte` (plus les
    variables communes) ; renvoie les octets du docx.

    Le contexte porte `mention_fse`, calculée par `operations.programmes.mention_de` d'après les programmes du document
    (règlement (UE) n° 1303/2013, annexe XII, 2.2 ; règlement (UE) 2021/1060, art. 47) : sans elle, MentionManquante.
    """
    from jinja2 import Environment

    if not (contexte.get("mention_fse") or "").strip():
        raise MentionManquante(f"Le document « {MODELES[nature].titre} » n'a pas les mentions obligatoires de son "
                               f"programme européen (mention_fse) : il n'est pas produit.")
    plie = plie or seul_plie()
    gabarit = DocxTemplate(chemin_actif(nature, plie))
    environnement = Environment(autoescape=True)
    environnement.filters.update(filtres_fr())
    complet = {
        "embleme_ue": InlineImage(gabarit, str(EMBLEME_UE), height=Mm(14)),
        "plie": plie.nom if plie else "",
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


def _stocker(*, plie, type_objet, objet, nature: str, version: str, nom: str, contenu: bytes, user) -> DocumentGenere:
    """Enregistre le fichier et sa ligne ; si une tâche rejouée l'a créé entre-temps, rend le sien."""
    document = DocumentGenere(
        plie=plie, content_type=type_objet, object_id=objet.pk, nature=nature, nom=nom, cree_par=user,
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
    """Rend et stocke le document, sauf s'il existe déjà pour ces mêmes données (idempotent).

    Il est rendu avec le modèle du PLIE de l'objet (ou le commun) et rangé dans ce PLIE."""
    type_objet = ContentType.objects.get_for_model(objet)
    plie = plie_de(objet)
    active = version_active(nature, plie)  # un nouveau modèle déposé donne une nouvelle version du document
    modele = {"modele": active.version, **({"modele_plie": active.plie_id} if active.plie_id else {})} if active else {}
    version = empreinte_donnees({"nature": nature, **modele, **contexte})
    existant = _existant(type_objet, objet, nature, version)
    if existant:
        return existant
    return _stocker(plie=plie, type_objet=type_objet, objet=objet, nature=nature, version=version, nom=nom,
                    contenu=rendre(nature, {**contexte}, plie), user=user)


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
    return _stocker(plie=document.plie, type_objet=document.content_type, objet=document.objet, nature=nature,
                    version=document.version_donnees, nom=str(Path(document.nom).with_suffix(".pdf")), contenu=contenu,
                    user=user)


def documents_de(objet, nature: str | None = None):
    documents = DocumentGenere.objects.filter(content_type=ContentType.objects.get_for_model(objet), object_id=objet.pk)
    return documents.filter(nature=nature) if nature else documents
