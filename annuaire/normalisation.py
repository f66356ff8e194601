import re
import unicodedata


def _table_des_lettres() -> dict[str, str]:
    """Les majuscules ASCII et chaque lettre latine accentuée (Latin-1, Latin étendu A), majuscule ou minuscule, vers
    leur lettre de base en minuscule : « É » → « e », « ç » → « c ». Une table écrite une fois, que la base applique
    telle quelle (`recherche.Cle`) : Python et SQL donnent la même clé par construction."""
    table = {chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
    for code in range(0xC0, 0x180):
        lettre = chr(code)
        base = unicodedata.normalize("NFKD", lettre)[0].lower()
        if base != lettre and base.isascii() and base.isalpha():
            table[lettre] = base
    return table


TABLE_SIMPLE = _table_des_lettres()
LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}
A_SUPPRIMER = " \t\n\r\u00a0\u202f-_'’"  # espaces (insécables compris), tirets, soulignés, apostrophes
_TABLE = str.maketrans({**TABLE_SIMPLE, **LIGATURES, **{c: None for c in A_SUPPRIMER}})


def cle_de_recherche(texte: str) -> str:
    """`CHENÔVE`, `Chenove` et ` chenôve ` donnent la même clé (sans accents, tirets, espaces ni casse) ; la même
    table sert la recherche dans la base (`annuaire.recherche`)."""
    return (texte or "").translate(_TABLE)


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
