"""Exports de tableaux (django-tables2 + tablib) lisibles par un tableur français, sans injection de formules."""
from datetime import date
from decimal import Decimal

from django_tables2.export import TableExport

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(valeur):
    """Un texte qui commence comme une formule (`=HYPERLINK(...)`) est préfixé d'une apostrophe."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


class ExportFr(TableExport):
    """CSV : `;`, virgule décimale, BOM UTF-8 (ce qu'Excel attend en France). XLSX : vrais nombres et dates."""

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        super().__init__(export_format, table, exclude_columns=exclude_columns, dataset_kwargs=dataset_kwargs)
        en_csv = export_format == "csv"
        lignes = [
            [self._cellule(v, en_csv) for v in ligne] for ligne in self.dataset
        ]
        entetes = self.dataset.headers
        self.dataset.wipe()
        self.dataset.headers = entetes
        for ligne in lignes:
            self.dataset.append(ligne)

    @staticmethod
    def _cellule(valeur, en_csv):
        if isinstance(valeur, Decimal):
            return str(valeur).replace(".", ",") if en_csv else valeur
        if isinstance(valeur, date) and en_csv:
            return valeur.strftime("%d/%m/%Y")
        return neutraliser(valeur)

    def export(self):
        if self.format == "csv":
            return "\ufeff" + self.dataset.export("csv", delimiter=";")
        return super().export()
