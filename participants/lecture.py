"""Lire un fichier d'extraction tel que les équipes l'ont (CSV ou XLSX) : en-têtes reconnus sans casse ni accents,
séparateur détecté, BOM toléré ; et les valeurs (dates, booléens, décimaux) au format de l'échange
(docs/specs/import-participants.md)."""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from annuaire.normalisation import cle_de_recherche, telephone


class FichierIllisible(Exception):
    """Le fichier entier est refusé (format, encodage, colonnes obligatoires manquantes) ; le message dit pourquoi."""


@lru_cache(maxsize=65536)  # une extraction répète les mêmes en-têtes et les mêmes communes des milliers de fois
def cle(texte: str) -> str:
    return cle_de_recherche(texte)


def cle_entete(texte) -> str:
    """`Date_Naissance`, ` date naissance ` et `DATE-NAISSANCE` désignent la même colonne."""
    return cle(str(texte or ""))


@dataclass
class Tableau:
    """Un fichier lu : les en-têtes tels qu'écrits, le numéro de chaque ligne de données dans le fichier et les
    valeurs colonne par colonne ({en-tête normalisé: [valeur de chaque ligne]}), pour vérifier une colonne d'un coup."""

    entetes: list[str]
    numeros: list[int]
    colonnes: dict[str, list]

    def colonne(self, cle_normalisee: str) -> list:
        return self.colonnes.get(cle_normalisee) or [""] * len(self.numeros)


def lire_tableau(contenu: bytes, nom: str) -> Tableau:
    if contenu[:4] == b"PK\x03\x04":
        lignes = _lignes_xlsx(contenu, nom)
    else:
        lignes = _lignes_csv(contenu, nom)
    if not lignes:
        raise FichierIllisible(f"Le fichier « {nom} » est vide : il faut au moins la ligne des en-têtes.")
    entetes = [str(e or "").strip() for e in lignes[0]]
    largeur = len(entetes)
    numeros, donnees = [], []
    for numero, valeurs in enumerate(lignes[1:], start=2):
        if not any(str(v or "").strip() for v in valeurs):
            continue  # une ligne vide (souvent en fin de fichier) n'est pas une erreur
        numeros.append(numero)
        # Une ligne courte se complète de cellules vides ; ce qui dépasse les en-têtes est ignoré.
        donnees.append(valeurs[:largeur] if len(valeurs) >= largeur else [*valeurs, *[""] * (largeur - len(valeurs))])
    colonnes = {}
    for cle_normalisee, valeurs in zip((cle_entete(e) for e in entetes), zip(*donnees) if donnees else [()] * largeur):
        if cle_normalisee:
            colonnes.setdefault(cle_normalisee, list(valeurs))  # en-tête en double : la première colonne compte
    return Tableau(entetes, numeros, colonnes)


def _lignes_csv(contenu: bytes, nom: str) -> list[list[str]]:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        raise FichierIllisible(
            f"Le fichier « {nom} » n'est pas en UTF-8 (octet illisible en position {erreur.start}) : "
            "enregistrez-le en « CSV UTF-8 » depuis votre tableur.") from None
    premiere = re.split("\r\n|\r|\n", texte, maxsplit=1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") and ";" in premiere else ","
    try:  # newline="" : les fins de ligne Windows, Unix ou Mac (\r seul) se lisent toutes
        return list(csv.reader(io.StringIO(texte, newline=""), delimiter=separateur))
    except csv.Error as erreur:
        raise FichierIllisible(f"Le fichier « {nom} » n'est pas un CSV lisible ({erreur}).") from None


def _lignes_xlsx(contenu: bytes, nom: str) -> list[list]:
    import openpyxl

    try:
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl lève des erreurs très variées sur un fichier abîmé : une seule réponse
        raise FichierIllisible(f"Le fichier « {nom} » n'est ni un CSV ni un classeur XLSX lisible.") from None
    feuille = classeur.worksheets[0]
    return [["" if v is None else v for v in ligne] for ligne in feuille.iter_rows(values_only=True)]


# --- Valeurs ---

class ValeurInvalide(ValueError):
    """La valeur d'une cellule ; le message dit ce qui était attendu."""


def texte(valeur) -> str:
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur if valeur is not None else "").strip()


def lire_date(valeur) -> date | None:
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    brut = texte(valeur)
    if not brut:
        return None
    if FRANCAISE.fullmatch(brut):
        jour, mois, annee = brut.split("/")
    elif ISO.fullmatch(brut):
        annee, mois, jour = brut.split("-")
    else:
        raise ValeurInvalide(f"« {brut} » n'est pas une date (attendu JJ/MM/AAAA ou AAAA-MM-JJ).")
    try:
        return date(int(annee), int(mois), int(jour))
    except ValueError:
        raise ValeurInvalide(f"« {brut} » n'est pas une date qui existe.") from None


FRANCAISE, ISO = re.compile(r"\d{2}/\d{2}/\d{4}"), re.compile(r"\d{4}-\d{2}-\d{2}")
BOOLEENS = {"o": True, "oui": True, "1": True, "n": False, "non": False, "0": False}


def lire_booleen(valeur) -> bool | None:
    brut = texte(valeur).lower()
    if not brut:
        return None
    if brut not in BOOLEENS:
        raise ValeurInvalide(f"« {texte(valeur)} » n'est pas reconnu (attendu O ou N, oui ou non, 1 ou 0, ou vide).")
    return BOOLEENS[brut]


# « Ne souhaite pas répondre » et ses abréviations courantes, clés sans casse, accents ni espaces.
REFUS = {cle("ne souhaite pas répondre"), "nsp", "nspr", "refus"}


def lire_reponse(valeur) -> str:
    """Une réponse à une question sensible : oui, non (écrits comme les booléens), ou « ne souhaite pas répondre »
    (`refus`, `NSP`) ; vide si vide."""
    brut = cle(texte(valeur))
    if not brut:
        return ""
    if brut in REFUS:
        return "refus"
    if brut not in BOOLEENS:
        raise ValeurInvalide(f"« {texte(valeur)} » n'est pas reconnu (attendu O ou N, oui ou non, 1 ou 0, "
                             "« ne souhaite pas répondre », ou vide).")
    return "oui" if BOOLEENS[brut] else "non"


def lire_telephone(valeur) -> str:
    try:
        return telephone(texte(valeur))
    except ValueError as erreur:
        raise ValeurInvalide(str(erreur)) from None


def lire_courriel(valeur) -> str:
    brut = texte(valeur)
    try:
        validate_email(brut) if brut else None
    except ValidationError:
        raise ValeurInvalide(f"« {brut} » n'est pas une adresse de courriel.") from None
    return brut


def lire_decimal(valeur) -> Decimal | None:
    brut = texte(valeur).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not brut:
        return None
    try:
        nombre = Decimal(brut)
    except InvalidOperation:
        raise ValeurInvalide(f"« {texte(valeur)} » n'est pas un nombre.") from None
    if not nombre.is_finite() or nombre < 0 or nombre >= 10**6:
        raise ValeurInvalide(f"« {texte(valeur)} » n'est pas un nombre d'heures plausible.")
    return nombre.quantize(Decimal("0.01"))
