import re
import unicodedata


def cle_de_recherche(texte: str) -> str:
    """`CHENÔVE`, `Chenove` et ` chenôve ` donnent la même clé (sans accents, tirets, espaces ni casse)."""
    sans_accents = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-_'’]+", "", sans_accents).lower()
