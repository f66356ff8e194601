"""La lettre mensuelle en Word : ses variables (documentées pour les administrateurs, templates/docx/README.md) et
le contexte que le code lui donne, mis en forme à la française à partir des chiffres figés sur la lettre."""
from datetime import date
from decimal import Decimal

from annuaire.formats import euros, nombre, pourcentage
from operations.documents import declarer_modele
from operations.programmes import mention_de
from participants.rapport import programmes_de_la_periode

from .lettre import MONTANTS, TAUX, bornes_du_mois
from .models import nom_du_mois

_LIGNES = "(liste : libelle, valeur, precedent, ecart — textes déjà mis en forme : « 43,1 % », « +12 », « 1 250,00 € »)"

LETTRE_MENSUELLE = declarer_modele("lettre_mensuelle", "lettre_mensuelle.docx", "Lettre d'information mensuelle", {
    "mois": "le mois de la lettre, en toutes lettres (« mars 2017 »)",
    "comparaison": "le même mois de l'année précédente, en toutes lettres (« mars 2016 »)",
    "editorial": "le paragraphe éditorial de l'équipe d'animation (liste de paragraphes ; vide : pas d'éditorial)",
    "chiffres": f"les chiffres du mois contre le même mois de l'année précédente {_LIGNES}",
    "clauses_et_aides": f"heures de clauses d'insertion et aides de l'enveloppe souple payées {_LIGNES} ; vide si absentes",
    "objectifs": ("les objectifs des opérations à la fin du mois (liste : operation — code et intitulé —, porteur, "
                  "indicateur, atteint, cible, part — textes mis en forme)"),
    "definitions": "d'où vient chaque chiffre (liste : libelle, source)",
})

LIGNES_CLAUSES_ET_AIDES = {"heures_clauses", "aides_montant", "aides_participants"}


def _texte(cle: str, valeur) -> str:
    if valeur is None:
        return "—"
    if cle in TAUX:
        return pourcentage(Decimal(valeur))
    if cle in MONTANTS:
        return euros(Decimal(valeur))
    return nombre(Decimal(valeur))


def _ecart(cle: str, ecart) -> str:
    if ecart is None:
        return "—"
    ecart = Decimal(ecart)
    if cle in TAUX:
        return f"{'+' if ecart > 0 else ''}{nombre((ecart * 100).quantize(Decimal('0.1')))} pt"
    texte = euros(ecart) if cle in MONTANTS else nombre(ecart)
    return f"+{texte}" if ecart > 0 else texte


def lignes_mises_en_forme(chiffres: dict) -> list[dict]:
    """Les chiffres de la lettre tels que la page et le Word les écrivent (fr-FR), avec leur source."""
    return [{"cle": ligne["cle"], "libelle": ligne["libelle"], "source": ligne["source"],
             "valeur": _texte(ligne["cle"], ligne["valeur"]), "precedent": _texte(ligne["cle"], ligne["precedent"]),
             "ecart": _ecart(ligne["cle"], ligne["ecart"])} for ligne in chiffres["lignes"]]


def _quantite(valeur: str, unite: str) -> str:
    """« 2 participants », « 1 participant », « 0 heure » : l'unité de l'indicateur s'accorde au nombre."""
    valeur = Decimal(valeur)
    if abs(valeur) < 2 and unite.endswith("s"):
        unite = unite[:-1]
    return f"{nombre(valeur)} {unite}".strip()


def objectifs_mis_en_forme(chiffres: dict) -> list[dict]:
    return [{"operation": f"{op['code']} — {op['intitule']}", "porteur": op["porteur"], "indicateur": o["indicateur"],
             "atteint": "—" if o["realise"] is None else _quantite(o["realise"], o["unite"]),
             "cible": _quantite(o["cible"], o["unite"]),
             "part": "—" if o["part"] is None else pourcentage(Decimal(o["part"]), 0)}
            for op in chiffres["operations"] for o in op["objectifs"]]


def contexte_lettre(lettre) -> dict:
    """Le contexte du modèle Word, depuis les chiffres figés sur la lettre et son éditorial."""
    chiffres = lettre.chiffres
    lignes = lignes_mises_en_forme(chiffres)
    debut, fin = bornes_du_mois(lettre.mois)
    return {
        "mention_fse": mention_de(programmes_de_la_periode(debut, fin)),
        "mois": nom_du_mois(lettre.mois),
        "comparaison": nom_du_mois(date.fromisoformat(chiffres["comparaison"])),
        "editorial": [p.strip() for p in lettre.editorial.split("\n") if p.strip()],
        "chiffres": [ligne for ligne in lignes if ligne["cle"] not in LIGNES_CLAUSES_ET_AIDES],
        "clauses_et_aides": [ligne for ligne in lignes if ligne["cle"] in LIGNES_CLAUSES_ET_AIDES],
        "objectifs": objectifs_mis_en_forme(chiffres),
        "definitions": [{"libelle": ligne["libelle"], "source": ligne["source"]} for ligne in lignes],
    }
