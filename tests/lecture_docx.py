"""Lire un document Word généré, comme le lirait l'utilisateur : texte du corps, tableaux, en-tête de publicité FSE."""
import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from operations.documents import MENTION_FSE
from operations.models import DocumentGenere


def eur(texte: str) -> str:
    """`eur("9 000,00")` -> `9 000,00 €` avec les espaces insécables du format fr-FR."""
    return texte.replace(" ", "\u202f") + "\u00a0€"


def ouvrir(document: DocumentGenere) -> Document:
    with document.fichier.open("rb") as fichier:
        return Document(io.BytesIO(fichier.read()))


def texte(docx: Document) -> str:
    """Tout le texte du corps, un paragraphe (ou un saut de ligne) par ligne, cellules de tableaux comprises."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    morceaux = {f"{w}t": lambda e: e.text or "", f"{w}br": lambda e: "\n", f"{w}tab": lambda e: "\t"}
    return "\n".join(
        "".join(morceaux[e.tag](e) for e in p.iter(*morceaux)) for p in docx.element.body.iter(f"{w}p")
    )


def lignes(table) -> list[list[str]]:
    return [[cellule.text for cellule in ligne.cells] for ligne in table.rows]


def table_avec(docx: Document, entete: str):
    return next(t for t in docx.tables if t.rows[0].cells[0].text == entete)


def verifier_publicite(docx: Document):
    """L'emblème de l'UE (image) et la mention FSE sont dans l'en-tête."""
    entete = docx.sections[0].header
    assert MENTION_FSE in "\n".join(p.text for p in entete.paragraphs)
    assert any(rel.reltype == RT.IMAGE for rel in entete.part.rels.values())
    assert "<w:drawing" in entete._element.xml


