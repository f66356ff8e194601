"""L'arithmétique du contrôle de service fait, sans base de données : des lignes déclarées et contrôlées, les règles
de la convention, le FSE dû. Chaque étape du calcul est écrite en clair (`Calcul.etapes`) pour être montrée au
gestionnaire et reprise dans le rapport.

Règles (docs/regles-fse.md, « Argent : le FSE dû » ; les articles sont ceux de l'option du programme) :
- les dépenses retenues au contrôle font l'assiette ; avec un échantillon, le taux d'erreur constaté sur
  l'échantillon s'applique aux lignes non contrôlées, seulement si la convention autorise l'extrapolation ;
- au forfait, les dépenses des catégories hors de l'option ne comptent pas : le forfait se recalcule sur l'assiette
  retenue, au taux de l'option choisie par la convention parmi celles du programme de l'opération ;
- FSE dû = dépenses éligibles retenues × FSE conventionné ÷ coût total éligible conventionné (la version de la
  convention en vigueur pour la période), plafonné au FSE de cette version ;
- solde à payer = FSE dû − avance déjà versée (négatif : un trop-perçu à reverser) ;
- chaque montant calculé (extrapolation d'une ligne, forfait, FSE calculé) est arrondi une fois, au centime le plus
  proche, le demi-centime vers le haut (ROUND_HALF_UP) ; le taux FSE n'est jamais arrondi avant la multiplication.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from annuaire.formats import euros, montant, pourcentage
from operations.programmes import OptionCouts

CENT = Decimal("0.01")
ARRONDI = "au centime le plus proche, demi-centime vers le haut"


def au_centime(valeur: Decimal) -> Decimal:
    return valeur.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact(valeur: Decimal) -> str:
    """Un résultat avant arrondi, avec toutes ses décimales utiles (au plus 6) : `2 100,045 €`."""
    texte = montant(valeur, 6).rstrip("0")
    if texte.endswith(","):
        texte = texte[:-1]
    if "," in texte and len(texte.rsplit(",", 1)[1]) < 2:
        texte += "0"
    return f"{texte}\u00a0€"


def arrondir(valeur: Decimal) -> tuple[Decimal, str]:
    """Le montant arrondi au centime et la fin de phrase qui le montre : « = 2 100,05 € » s'il tombait juste,
    « = 2 100,045 € arrondi à 2 100,05 € (…) » sinon."""
    arrondi = au_centime(valeur)
    if arrondi == valeur:
        return arrondi, f"= {euros(arrondi)}"
    return arrondi, f"= {_exact(valeur)}, arrondi à {euros(arrondi)} ({ARRONDI})"


@dataclass(frozen=True)
class Ligne:
    categorie: str
    declare: Decimal
    retenu: Decimal | None  # None : ligne non contrôlée (hors échantillon)
    libelle: str = ""


class ControleIncomplet(Exception):
    """Le FSE dû ne peut pas encore se calculer ; le message dit ce qui manque."""


@dataclass
class Calcul:
    declare: Decimal
    retenu_direct: Decimal
    forfait: Decimal
    eligible: Decimal
    fse_calcule: Decimal
    fse_du: Decimal
    avance: Decimal
    solde: Decimal
    taux_erreur: Decimal | None = None
    etapes: list[str] = field(default_factory=list)

    @property
    def rejete(self) -> Decimal:
        return self.declare - self.retenu_direct


def retenus_par_ligne(lignes: list[Ligne], *, extrapolation_autorisee: bool) -> tuple[list[Decimal], Decimal | None, list[str]]:
    """Le montant retenu de chaque ligne ; celles hors échantillon par extrapolation du taux d'erreur, chacune arrondie
    au centime une fois."""
    controlees = [l for l in lignes if l.retenu is not None]
    if len(controlees) == len(lignes):
        return [l.retenu for l in lignes], None, []
    if not extrapolation_autorisee:
        raise ControleIncomplet(
            f"{len(lignes) - len(controlees)} dépense(s) non contrôlée(s) : la convention n'autorise pas "
            "l'extrapolation, le contrôle doit être exhaustif.")
    if not controlees:
        raise ControleIncomplet("Aucune dépense de l'échantillon n'est encore contrôlée.")
    declare_echantillon = sum((l.declare for l in controlees), Decimal(0))
    retenu_echantillon = sum((l.retenu for l in controlees), Decimal(0))
    taux = (declare_echantillon - retenu_echantillon) / declare_echantillon if declare_echantillon else Decimal(0)
    etapes = [f"Échantillon : {len(controlees)} dépense(s) sur {len(lignes)}, {euros(declare_echantillon)} déclarés, "
              f"{euros(retenu_echantillon)} retenus : taux d'erreur {pourcentage(taux, 2)} "
              f"({euros(declare_echantillon - retenu_echantillon)} ÷ {euros(declare_echantillon)}, non arrondi).",
              f"Extrapolation : chaque dépense hors échantillon est retenue à {pourcentage(1 - taux, 2)} de son montant, "
              f"arrondie une fois {ARRONDI}."]
    retenus = []
    for ligne in lignes:
        if ligne.retenu is not None:
            retenus.append(ligne.retenu)
            continue
        retenu, texte = arrondir(ligne.declare * (1 - taux))
        retenus.append(retenu)
        nom = f"« {ligne.libelle} »" if ligne.libelle else "d'une dépense"
        etapes.append(f"Extrapolation {'de ' if ligne.libelle else ''}{nom} : {euros(ligne.declare)} × (1 − taux d'erreur) "
                      f"{texte}.")
    return retenus, taux, etapes


def calculer(lignes: list[Ligne], *, option: OptionCouts, montant_fse: Decimal, cout_total: Decimal, plafond: Decimal,
             avance: Decimal, extrapolation_autorisee: bool, origine: str = "") -> Calcul:
    """`option` : l'option de coûts de la convention (lue dans le programme) ; `montant_fse / cout_total` : le taux FSE
    de la version conventionnée en vigueur, dont `origine` dit d'où il vient ; `plafond` : le FSE de cette version."""
    retenus, taux_erreur, etapes = retenus_par_ligne(lignes, extrapolation_autorisee=extrapolation_autorisee)
    declare = sum((l.declare for l in lignes), Decimal(0))
    par_categorie: dict[str, Decimal] = {}
    for ligne, retenu in zip(lignes, retenus):
        par_categorie[ligne.categorie] = par_categorie.get(ligne.categorie, Decimal(0)) + retenu
    etapes.append(f"Déclaré : {euros(declare)} ; retenu : {euros(sum(retenus, Decimal(0)))}.")
    if option.taux is not None:
        assiette = sum((par_categorie.get(c, Decimal(0)) for c in option.assiette), Decimal(0))
        forfait, texte = arrondir(assiette * option.taux)
        retenu_direct = sum((par_categorie.get(c, Decimal(0)) for c in option.directes), Decimal(0))
        ecartees = sum((v for c, v in par_categorie.items() if c not in option.directes), Decimal(0))
        etapes.append(f"Forfait — {option.libelle}, {option.article} : {pourcentage(option.taux, 0)} × {euros(assiette)} "
                      f"{texte}"
                      + (f" ; les {euros(ecartees)} déclarés hors des coûts directs de l'option sont couverts par le forfait."
                         if ecartees else "."))
    else:
        forfait, retenu_direct = Decimal(0), sum(retenus, Decimal(0))
        etapes.append(f"{option.libelle} — {option.article} : pas de forfait, les dépenses retenues font l'assiette.")
    eligible = retenu_direct + forfait
    etapes.append(f"Dépenses éligibles : {euros(retenu_direct)} + {euros(forfait)} = {euros(eligible)}.")
    if cout_total:
        fse_calcule, texte = arrondir(eligible * montant_fse / cout_total)
    else:
        fse_calcule, texte = Decimal(0), f"= {euros(0)} (coût total conventionné nul)"
    fse_du = min(fse_calcule, plafond)
    taux = pourcentage(montant_fse / cout_total if cout_total else 0, 2)
    etapes.append(f"Taux FSE {origine or 'du plan conventionné'} : {euros(montant_fse)} ÷ {euros(cout_total)} "
                  f"= {taux} (taux exact, non arrondi dans le calcul).")
    etapes.append(f"FSE calculé : {euros(eligible)} × {euros(montant_fse)} ÷ {euros(cout_total)} {texte}"
                  + (f" ; plafonné au FSE conventionné : {euros(plafond)}." if fse_calcule > plafond else "."))
    solde = fse_du - avance
    etapes.append(f"Solde : {euros(fse_du)} − avance versée {euros(avance)} = {euros(solde)}"
                  + (" (trop-perçu à reverser)." if solde < 0 else "."))
    return Calcul(declare=declare, retenu_direct=retenu_direct, forfait=forfait, eligible=eligible,
                  fse_calcule=fse_calcule, fse_du=fse_du, avance=avance, solde=solde, taux_erreur=taux_erreur,
                  etapes=etapes)
