"""Lire un document Word généré, comme le lirait l'utilisateur : texte du corps, tableaux, publicité européenne de
l'en-tête et du pied de page."""
import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

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


def texte_de(partie) -> str:
    """Le texte d'un en-tête ou d'un pied de page, une ligne par paragraphe ou par saut de ligne."""
    return "\n".join(p.text for p in partie.paragraphs)


def verifier_publicite(docx: Document, programmes, *, pied_de_page: bool = True):
    """L'emblème de l'UE (image) et chaque ligne de mention du ou des programmes, en en-tête et en pied de page ;
    chaque programme sur sa propre ligne."""
    programmes = list({p.pk: p for p in ([programmes] if hasattr(programmes, "mentions") else programmes)}.values())
    parties = {"en-tête": docx.sections[0].header}
    if pied_de_page:
        parties["pied de page"] = docx.sections[0].footer
    for nom, partie in parties.items():
        lignes_de_texte = texte_de(partie).split("\n")
        lignes_des_programmes = set()
        for programme in programmes:
            portent = [i for i, ligne in enumerate(lignes_de_texte) if all(m in ligne for m in programme.mentions)]
            assert portent, f"{nom} : mentions de {programme.libelle} absentes de {lignes_de_texte}"
            lignes_des_programmes.add(portent[0])
        assert len(lignes_des_programmes) == len(programmes), f"{nom} : un programme par ligne : {lignes_de_texte}"
        assert any(rel.reltype == RT.IMAGE for rel in partie.part.rels.values()), f"{nom} : pas d'emblème"
        assert "<w:drawing" in partie._element.xml, f"{nom} : pas d'emblème"
