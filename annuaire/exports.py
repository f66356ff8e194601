"""Exports de tableaux (django-tables2) lisibles par un tableur français, sans injection de formules.

Une table dit ce qu'est chaque nombre par le type de la valeur qu'elle exporte (`value_<colonne>`) : `Euros` (un
montant), `Taux` (une part : 0,6 pour 60 %), un `Decimal` ordinaire sinon (une note, un nombre). Le CSV écrit
`18044,30`, `60,00 %`, `01/01/2016` ; le XLSX de vrais nombres et de vraies dates, avec leur format d'affichage.
"""
import io
from datetime import date, datetime
from decimal import Decimal

from django_tables2.export import TableExport
from openpyxl import Workbook
from openpyxl.styles import Font

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
FORMAT_EUROS = '#,##0.00\\ "€"'
FORMAT_TAUX = "0.00%"
FORMAT_DATE = "dd/mm/yyyy"
FORMAT_DATE_HEURE = "dd/mm/yyyy hh:mm"


class Euros(Decimal):
    """Un montant en euros."""


class Taux(Decimal):
    """Une part, 0,6 pour 60 % (quatre décimales : 60,00 %)."""


def euros_exportes(valeur) -> Euros | None:
    return None if valeur is None else Euros(Decimal(valeur).quantize(Decimal("0.01")))


def taux_exporte(part, total) -> Taux | None:
    return Taux((Decimal(part) / Decimal(total)).quantize(Decimal("0.0001"))) if total else None


def neutraliser(valeur):
    """Un texte qui commence comme une formule (`=HYPERLINK(...)`) est préfixé d'une apostrophe."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def cellule_csv(valeur):
    if isinstance(valeur, Taux):
        return f"{valeur * 100:.2f}".replace(".", ",") + "\u00a0%"
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    if isinstance(valeur, datetime):
        return valeur.strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    return neutraliser(valeur)


def format_xlsx(valeur) -> str | None:
    if isinstance(valeur, Taux):
        return FORMAT_TAUX
    if isinstance(valeur, Euros):
        return FORMAT_EUROS
    if isinstance(valeur, datetime):
        return FORMAT_DATE_HEURE
    if isinstance(valeur, date):
        return FORMAT_DATE
    return None


def classeur(entetes: list[str], lignes, *, titre: str = "Export") -> bytes:
    """Un classeur d'une feuille : en-têtes en gras, figés ; chaque cellule avec le format de son type."""
    livre = Workbook()
    feuille = livre.active
    feuille.title = titre[:31]
    feuille.append(list(entetes))
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    feuille.freeze_panes = "A2"
    for ligne in lignes:
        feuille.append([neutraliser(v) if isinstance(v, str) else v for v in ligne])
        for cellule, valeur in zip(feuille[feuille.max_row], ligne):
            if (forme := format_xlsx(valeur)) is not None:
                cellule.number_format = forme
    for colonne, entete in zip(feuille.columns, entetes):
        largeur = max([len(str(entete))] + [len(str(c.value)) for c in colonne if c.value is not None][:200])
        feuille.column_dimensions[colonne[0].column_letter].width = min(max(largeur + 2, 10), 60)
    sortie = io.BytesIO()
    livre.save(sortie)
    return sortie.getvalue()


class ExportFr(TableExport):
    """CSV : `;`, virgule décimale, taux en pourcentage, BOM UTF-8 (ce qu'Excel attend en France). XLSX : vrais
    nombres et vraies dates, au format euros, pourcentage ou date."""

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        super().__init__(export_format, table, exclude_columns=exclude_columns, dataset_kwargs=dataset_kwargs)
        self.lignes = [list(ligne) for ligne in self.dataset]

    @staticmethod
    def _cellule(valeur, en_csv):
        """Une valeur telle qu'elle s'écrit dans le CSV (en_csv) ; telle quelle pour le XLSX."""
        return cellule_csv(valeur) if en_csv else valeur

    def export(self):
        entetes = self.dataset.headers
        if self.format == "csv":
            self.dataset.wipe()
            self.dataset.headers = entetes
            for ligne in self.lignes:
                self.dataset.append([self._cellule(v, True) for v in ligne])
            return "\ufeff" + self.dataset.export("csv", delimiter=";")
        if self.format == "xlsx":
            return classeur(entetes, ([self._cellule(v, False) for v in ligne] for ligne in self.lignes))
        return super().export()
