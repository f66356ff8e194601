"""Formats fr-FR partagés par les pages, les exports et les documents."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ESPACE_INSECABLE = "\u202f"  # espace fine insécable, séparateur de milliers en français
CENTIME = Decimal("0.01")


def montant(valeur, decimales: int = 2) -> str:
    """`Decimal("18044.3")` -> `18 044,30` (espace fine insécable entre les milliers)."""
    if valeur is None or valeur == "":
        return ""
    valeur = Decimal(valeur).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    signe = "-" if valeur < 0 else ""
    entier, _, fraction = f"{abs(valeur):f}".partition(".")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    texte = ESPACE_INSECABLE.join(groupes) or "0"
    return f"{signe}{texte},{fraction}" if decimales else f"{signe}{texte}"


def euros(valeur) -> str:
    return f"{montant(valeur)}\u00a0€" if valeur not in (None, "") else ""


def nombre(valeur) -> str:
    """Un nombre sans décimales inutiles : `889`, `72 333`, `12,5`."""
    if valeur in (None, ""):
        return ""
    valeur = Decimal(valeur)
    return montant(valeur, 0) if valeur == valeur.to_integral_value() else montant(valeur, 2).rstrip("0")


def pluriel(valeur, suffixes: str = "s") -> str:
    """La marque du pluriel à la française : à partir de 2 (« 0 entrée », « 1 entrée », « 2 entrées »). Comme
    `pluralize` : `"s"` par défaut, `"x"`, ou `"singulier,pluriel"`."""
    singulier, _, pluriel_ = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        nombre_ = abs(Decimal(len(valeur) if hasattr(valeur, "__len__") and not isinstance(valeur, str) else valeur))
    except (ArithmeticError, TypeError, ValueError):
        return singulier
    return pluriel_ if nombre_ >= 2 else singulier


def pourcentage(valeur, decimales: int = 1) -> str:
    """`Decimal("0.4307")` -> `43,1 %`."""
    if valeur is None:
        return ""
    return f"{montant(Decimal(valeur) * 100, decimales)}\u00a0%"


def lire_montant(texte: str) -> Decimal:
    """Lit `18 044,30`, `18044.30`, `18 044,30 €` ; lève ValueError sinon."""
    nettoye = str(texte).strip().replace("€", "")
    for espace in (" ", "\u00a0", ESPACE_INSECABLE):
        nettoye = nettoye.replace(espace, "")
    nettoye = nettoye.replace(",", ".")
    try:
        valeur = Decimal(nettoye)
    except InvalidOperation as exc:
        raise ValueError(texte) from exc
    if not valeur.is_finite():
        raise ValueError(texte)
    return valeur
