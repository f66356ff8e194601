"""Une nouvelle version d'un modèle Word, déposée par un administrateur : vérifiée avant d'être gardée.

Refusée (avec la raison en français) si ce n'est pas un .docx, si une balise est mal écrite, si le modèle attend une
variable que l'application ne fournit pas ou s'il ne porte plus l'emblème et les mentions du programme ; rien n'est
alors enregistré.
"""
import hashlib
import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, Environment, TemplateSyntaxError

from annuaire.fichiers import verifier_fichier
from annuaire.roles import Role, a_role

from .documents import MODELES, filtres_fr, variables_attendues, variables_inconnues
from .models import ModeleDocument
from .workflow import ActionRefusee

__all__ = ["ActionRefusee", "modele_televerser"]

# Règlement (UE) n° 1303/2013, annexe XII, 2.2 ; règlement (UE) 2021/1060, art. 47 et 50 : emblème et mentions.
PUBLICITE = {"embleme_ue", "mention_fse"}


def _est_un_docx(contenu: bytes) -> bool:
    """Un .docx est une archive zip qui contient word/document.xml, et que python-docx sait ouvrir."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if "word/document.xml" not in archive.namelist():
                return False
        Document(io.BytesIO(contenu))
    except Exception:  # fichier déposé : toute erreur de lecture veut dire « pas un .docx lisible »
        return False
    return True


def _paragraphe_fautif(contenu: bytes) -> str:
    """Le texte du paragraphe où Jinja bute, tel que docxtpl le situe en rendant le modèle (un paragraphe par ligne)."""
    environnement = Environment(undefined=ChainableUndefined)
    environnement.filters.update(filtres_fr())
    try:
        DocxTemplate(io.BytesIO(contenu)).render({}, jinja_env=environnement)
    except TemplateSyntaxError as erreur:
        lignes = list(getattr(erreur, "docx_context", None) or [])
        rang = erreur.lineno - 1 - max(erreur.lineno - 4, 0)  # docxtpl garde 3 lignes avant la fautive
        return lignes[rang].strip() if 0 <= rang < len(lignes) else ""
    except Exception:  # seule la position d'une erreur de syntaxe nous intéresse ici
        return ""
    return ""


def _refus_de_syntaxe(erreur: TemplateSyntaxError, contenu: bytes) -> str:
    if "Unexpected end of template" in erreur.message:
        cause = "une balise {% if %}, {% for %} (ou {%p %}, {%tr %}) n'est jamais fermée par son {% endif %} ou {% endfor %}"
    else:
        paragraphe = _paragraphe_fautif(contenu)
        cause = f"dans le paragraphe « {paragraphe} »" if paragraphe else f"ligne {erreur.lineno} du XML du document"
    return (f"Une balise du modèle est mal écrite : {cause}. Vérifiez les {{{{ }}}} et {{% %}} "
            f"(message de Jinja : {erreur.message.rstrip('.')}).")


def verifier_modele(nature: str, fichier) -> bytes:
    """Renvoie le contenu du fichier déposé s'il peut remplacer le modèle `nature`, sinon lève ActionRefusee."""
    nom = getattr(fichier, "name", "modèle")
    fichier.seek(0)
    contenu = fichier.read()
    if not _est_un_docx(contenu):
        raise ActionRefusee(f"Le fichier « {nom} » n'est pas un document Word .docx (son contenu a été vérifié, "
                            "pas seulement son nom) : enregistrez le modèle depuis Word au format .docx.")
    try:
        verifier_fichier(fichier, libelle="Le modèle")  # taille maximale
    except ValidationError as refus:
        raise ActionRefusee(" ".join(refus.messages)) from None
    try:
        inconnues = variables_inconnues(nature, io.BytesIO(contenu))
    except TemplateSyntaxError as erreur:
        raise ActionRefusee(_refus_de_syntaxe(erreur, contenu)) from None
    if inconnues:
        raise ActionRefusee("Le modèle attend des variables que l'application ne fournit pas : "
                            f"{', '.join(sorted(inconnues))}. Variables disponibles : voir la page du modèle.")
    if absentes := PUBLICITE - variables_attendues(nature, io.BytesIO(contenu)):
        raise ActionRefusee("Le modèle doit porter l'emblème de l'Union ({{ embleme_ue }}) et les mentions du programme "
                            "européen ({{ mention_fse }}), obligatoires sur chaque document cofinancé : il manque "
                            f"{', '.join('{{ ' + v + ' }}' for v in sorted(absentes))}.")
    return contenu


def modele_televerser(*, nature: str, fichier, commentaire: str, user, plie=None) -> ModeleDocument:
    """Une nouvelle version du modèle `nature`, vérifiée avant d'être enregistrée ; refusée, rien n'est gardé.

    `plie` : le modèle propre à ce PLIE (il l'emporte sur le commun pour ses documents) ; None : le modèle commun.

    Redéposer un ancien fichier (ou le modèle livré) en fait une nouvelle version : c'est ainsi qu'on revient en arrière.
    """
    if not a_role(user, Role.ADMINISTRATEUR):
        raise ActionRefusee("Seul un administrateur remplace les modèles de documents.")
    if nature not in MODELES:
        raise ActionRefusee(f"Aucun modèle « {nature} ».")
    if not (commentaire or "").strip():
        raise ActionRefusee("Dites ce qui change dans cette version (commentaire obligatoire).")
    contenu = verifier_modele(nature, fichier)
    derniere = ModeleDocument.objects.filter(nature=nature, plie=plie).order_by("-version").first()
    version = ModeleDocument(plie=plie, nature=nature, version=(derniere.version if derniere else 0) + 1,
                             empreinte=hashlib.sha256(contenu).hexdigest(), commentaire=commentaire.strip(),
                             televerse_par=user)
    version.fichier.save(f"{nature}-v{version.version}.docx", ContentFile(contenu), save=False)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:  # deux dépôts simultanés : la contrainte d'unicité refuse le second
        version.fichier.delete(save=False)
        raise ActionRefusee(f"Une autre version de ce modèle vient d'être déposée (version {version.version}) : "
                            "rechargez la page, vérifiez-la, puis déposez de nouveau si besoin.") from None
    return version
