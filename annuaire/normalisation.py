import re
import unicodedata


def cle_de_recherche(texte: str) -> str:
    """`CHENÔVE`, `Chenove` et ` chenôve ` donnent la même clé (sans accents, tirets, espaces ni casse)."""
    sans_accents = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-_'’]+", "", sans_accents).lower()


def telephone(texte: str) -> str:
    """Un numéro de téléphone écrit d'une seule façon : `06 12 34 56 78` pour un numéro français (saisi avec ou sans
    espaces, points, tirets, ou en +33), `+41221234567` (le + et les chiffres) pour un autre pays ; vide si vide ;
    ValueError (message en français) si ce n'est pas un numéro."""
    brut = (texte or "").strip()
    if not brut:
        return ""
    if not re.fullmatch(r"\+?[\d\s.\-()]+", brut):
        raise ValueError(f"« {brut} » n'est pas un numéro de téléphone (chiffres, espaces, points ou tirets).")
    chiffres = re.sub(r"\D", "", brut)
    international = brut.startswith("+") or chiffres.startswith("00")
    chiffres = chiffres.removeprefix("00") if not brut.startswith("+") else chiffres
    if international and chiffres.startswith("33") and len(chiffres) == 11:
        chiffres, international = "0" + chiffres[2:], False
    if not international:
        if len(chiffres) != 10 or not chiffres.startswith("0"):
            raise ValueError(f"« {brut} » n'est pas un numéro français à dix chiffres (06 12 34 56 78).")
        return " ".join(chiffres[i:i + 2] for i in range(0, 10, 2))
    if not 8 <= len(chiffres) <= 15:
        raise ValueError(f"« {brut} » n'est pas un numéro international plausible (8 à 15 chiffres après le +).")
    return "+" + chiffres
