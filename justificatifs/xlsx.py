"""Un classeur XLSX écrit directement en XML, ligne après ligne, pour les grands exports (« Ma Démarche FSE » : 20 000
participants × 36 colonnes). openpyxl, même en mode write_only, passe ~20 µs par cellule (une cellule objet, un élément
lxml) : ici une cellule est une chaîne formatée.

Ce qu'on écrit se relit comme ce qu'écrivait openpyxl en write_only : textes tels quels (le `'` de `neutraliser`
compris ; dans la table des textes partagés, comme Excel, plutôt qu'en chaînes inline : deux fois moins de XML à
compresser), nombres en nombres, dates en numéros de série au format `yyyy-mm-dd` (date et heure : `yyyy-mm-dd h:mm:ss`), booléens
en booléens ; une cellule vide (None ou "") n'est pas écrite. Les caractères interdits en XML 1.0 (contrôles hors
tabulation et fins de ligne) sont retirés : openpyxl refusait tout le classeur.
"""
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

INTERDITS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLUS_LONG = 32767  # un texte de cellule Excel : au plus 32 767 caractères (openpyxl tronquait de même)
STYLE_DATE, STYLE_DATE_HEURE = 1, 2  # rangs dans <cellXfs> de STYLES
LIGNES_PAR_ECRITURE = 1000
COMPRESSION = 1  # le XML d'un classeur : niveau 6, 25 % plus petit mais deux fois plus long à compresser
EPOQUE = date(1899, 12, 30).toordinal()  # le jour 0 des dates d'Excel

ESPACE = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ENTETE_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'{ENTETE_XML}<styleSheet {ESPACE}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _texte(valeur: str, partages: dict) -> str:
    """La fin d'une cellule texte, après `<c r="A1` : son rang dans la table des textes partagés du classeur."""
    if len(valeur) > PLUS_LONG:
        valeur = valeur[:PLUS_LONG]
    if INTERDITS.search(valeur):
        valeur = INTERDITS.sub("", valeur)
    return f'" t="s"><v>{partages.setdefault(valeur, len(partages))}</v></c>'


def _table_des_textes(partages: dict) -> str:
    textes = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' if t != t.strip() else
                     f"<si><t>{escape(t)}</t></si>" for t in partages)
    return f'{ENTETE_XML}<sst {ESPACE} uniqueCount="{len(partages)}">{textes}</sst>'


def _nombre(valeur) -> str:
    return "%.16g" % valeur if isinstance(valeur, (float, Decimal)) else str(valeur)  # comme openpyxl


def _cellule(valeur, partages: dict) -> str:
    """La fin d'une cellule de valeur non vide, après `<c r="A1`."""
    if isinstance(valeur, str):
        return _texte(valeur, partages)
    if isinstance(valeur, bool):
        return f'" t="b"><v>{int(valeur)}</v></c>'
    if isinstance(valeur, (int, float, Decimal)):
        return f'" t="n"><v>{_nombre(valeur)}</v></c>'
    if isinstance(valeur, datetime):
        if valeur.tzinfo is not None:
            raise TypeError("Une date et heure de classeur est sans fuseau horaire.")
        return f'" s="{STYLE_DATE_HEURE}" t="n"><v>{_nombre(to_excel(valeur))}</v></c>'
    if isinstance(valeur, date):
        jours = valeur.toordinal() - EPOQUE
        if 0 < jours <= 60:  # Excel compte un 29 février 1900 qui n'a pas existé (to_excel d'openpyxl de même)
            jours -= 1
        return f'" s="{STYLE_DATE}" t="n"><v>{jours}</v></c>'
    raise TypeError(f"Valeur de type {type(valeur).__name__} impossible à écrire dans un classeur : {valeur!r}")


def _feuille(sortie, entetes: list, lignes, partages: dict) -> None:
    """Écrit la feuille dans `sortie` (un fichier de l'archive ouvert en écriture), par paquets de lignes.

    Un export répète les mêmes textes et dates (« Oui », une commune, une date d'entrée) : la fin de cellule de chacun
    est calculée une fois par colonne. Pas les nombres : True, 1 et 1.0 sont une même clé de dictionnaire."""
    debuts = [f'<c r="{get_column_letter(i)}' for i in range(1, len(entetes) + 1)]
    memos = [{} for _ in entetes]

    def fin(memo, valeur):
        texte = _cellule(valeur, partages)
        if isinstance(valeur, (str, date)):
            memo[valeur] = texte
        return texte

    sortie.write(f"{ENTETE_XML}<worksheet {ESPACE}><sheetData>".encode())
    paquet = []
    for rang, ligne in enumerate(chain([entetes], lignes), start=1):
        r = str(rang)
        paquet.append(f'<row r="{r}">')
        paquet += [debut + r + (memo.get(valeur) or fin(memo, valeur))
                   for debut, memo, valeur in zip(debuts, memos, ligne) if valeur is not None and valeur != ""]
        paquet.append("</row>")
        if rang % LIGNES_PAR_ECRITURE == 0:
            sortie.write("".join(paquet).encode())
            paquet.clear()
    paquet.append("</sheetData></worksheet>")
    sortie.write("".join(paquet).encode())


def classeur(feuilles: dict[str, tuple[list[str], list[list]]]) -> bytes:
    """Le classeur des feuilles données (titre : en-têtes et lignes), dans l'ordre."""
    n = len(feuilles)
    contenus = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{TYPES}.worksheet+xml"/>'
                       for i in range(1, n + 1))
    onglets = "".join(f'<sheet name={quoteattr(titre)} sheetId="{i}" r:id="rId{i}"/>'
                      for i, titre in enumerate(feuilles, start=1))
    liens = "".join(f'<Relationship Id="rId{i}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, n + 1))
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as archive:
        archive.writestr("[Content_Types].xml", (
            f'{ENTETE_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{TYPES}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/>{contenus}</Types>'))
        archive.writestr("_rels/.rels", (
            f'{ENTETE_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'{ENTETE_XML}<workbook {ESPACE} xmlns:r="{RELATIONS}"><sheets>{onglets}</sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'{ENTETE_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{liens}'
            f'<Relationship Id="rId{n + 1}" Type="{RELATIONS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/styles.xml", STYLES)
        partages = {}  # texte : son rang dans la table
        for i, (entetes, lignes) in enumerate(feuilles.values(), start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as sortie:
                _feuille(sortie, entetes, lignes, partages)
        archive.writestr("xl/sharedStrings.xml", _table_des_textes(partages))
    return tampon.getvalue()
