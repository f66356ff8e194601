"""L'arithmétique du contrôle de service fait, sans base de données : des lignes déclarées et contrôlées, les règles
de la convention, le FSE dû. Chaque étape du calcul est écrite en clair (`Calcul.etapes`) pour être montrée au
gestionnaire et reprise dans le rapport.

Règles (règlement (UE) 2021/1060, art. 53 à 56, et la convention) :
- les dépenses retenues au contrôle font l'assiette ; avec un échantillon, le taux d'erreur constaté sur
  l'échantillon s'applique aux lignes non contrôlées, seulement si la convention autorise l'extrapolation ;
- au forfait, les dépenses indirectes déclarées ne comptent pas : le forfait se recalcule sur l'assiette retenue
  (15 % des frais de personnel directs, 20 % des coûts directs hors prestations, ou 40 % des frais de personnel
  directs pour tous les coûts restants) ;
- FSE dû = taux FSE de la convention × dépenses éligibles retenues, plafonné au montant voté ;
- solde à payer = FSE dû − avance déjà versée (négatif : un trop-perçu à reverser).
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from annuaire.formats import euros, pourcentage

CENT = Decimal("0.01")
PERSONNEL, FONCTIONNEMENT, PRESTATIONS, INDIRECTES = "personnel", "fonctionnement", "prestations", "indirectes"
FORFAITS = {  # régime -> (taux, catégories de l'assiette, catégories directes éligibles en plus du forfait, libellé)
    "indirects_15": (Decimal("0.15"), {PERSONNEL}, {PERSONNEL, FONCTIONNEMENT, PRESTATIONS},
                     "coûts indirects : 15 % des frais de personnel directs"),
    "indirects_20": (Decimal("0.20"), {PERSONNEL, FONCTIONNEMENT}, {PERSONNEL, FONCTIONNEMENT, PRESTATIONS},
                     "coûts indirects : 20 % des coûts directs hors prestations"),
    "restants_40": (Decimal("0.40"), {PERSONNEL}, {PERSONNEL},
                    "coûts restants : 40 % des frais de personnel directs"),
}


def au_centime(valeur: Decimal) -> Decimal:
    return valeur.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ligne:
    categorie: str
    declare: Decimal
    retenu: Decimal | None  # None : ligne non contrôlée (hors échantillon)


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
    """Le montant retenu de chaque ligne ; celles hors échantillon par extrapolation du taux d'erreur."""
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
              f"{euros(retenu_echantillon)} retenus : taux d'erreur {pourcentage(taux, 2)}.",
              f"Extrapolation : chaque dépense hors échantillon est retenue à {pourcentage(1 - taux, 2)} de son montant."]
    return [l.retenu if l.retenu is not None else au_centime(l.declare * (1 - taux)) for l in lignes], taux, etapes


def calculer(lignes: list[Ligne], *, regime: str, montant_fse: Decimal, cout_total: Decimal, plafond: Decimal,
             avance: Decimal, extrapolation_autorisee: bool) -> Calcul:
    """`montant_fse / cout_total` : le taux FSE du plan conventionné ; `plafond` : l'aide FSE votée."""
    retenus, taux_erreur, etapes = retenus_par_ligne(lignes, extrapolation_autorisee=extrapolation_autorisee)
    declare = sum((l.declare for l in lignes), Decimal(0))
    par_categorie: dict[str, Decimal] = {}
    for ligne, retenu in zip(lignes, retenus):
        par_categorie[ligne.categorie] = par_categorie.get(ligne.categorie, Decimal(0)) + retenu
    etapes.append(f"Déclaré : {euros(declare)} ; retenu : {euros(sum(retenus, Decimal(0)))}.")
    if regime in FORFAITS:
        taux_forfait, assiette_categories, directes, libelle = FORFAITS[regime]
        assiette = sum((par_categorie.get(c, Decimal(0)) for c in assiette_categories), Decimal(0))
        forfait = au_centime(assiette * taux_forfait)
        retenu_direct = sum((par_categorie.get(c, Decimal(0)) for c in directes), Decimal(0))
        ecartees = sum((v for c, v in par_categorie.items() if c not in directes), Decimal(0))
        etapes.append(f"Forfait ({libelle}) : {pourcentage(taux_forfait, 0)} × {euros(assiette)} = {euros(forfait)}"
                      + (f" ; les {euros(ecartees)} déclarés hors des coûts directs sont couverts par le forfait."
                         if ecartees else "."))
    else:
        forfait, retenu_direct = Decimal(0), sum(retenus, Decimal(0))
    eligible = retenu_direct + forfait
    fse_calcule = au_centime(eligible * montant_fse / cout_total) if cout_total else Decimal(0)
    fse_du = min(fse_calcule, plafond)
    etapes.append(f"Dépenses éligibles : {euros(retenu_direct)} + {euros(forfait)} = {euros(eligible)}.")
    etapes.append(f"FSE : {euros(eligible)} × {euros(montant_fse)} / {euros(cout_total)} (taux du plan, "
                  f"{pourcentage(montant_fse / cout_total if cout_total else 0, 2)}) = {euros(fse_calcule)}"
                  + (f", plafonné à l'aide votée : {euros(plafond)}." if fse_calcule > plafond else "."))
    solde = fse_du - avance
    etapes.append(f"Solde : {euros(fse_du)} − avance versée {euros(avance)} = {euros(solde)}"
                  + (" (trop-perçu à reverser)." if solde < 0 else "."))
    return Calcul(declare=declare, retenu_direct=retenu_direct, forfait=forfait, eligible=eligible,
                  fse_calcule=fse_calcule, fse_du=fse_du, avance=avance, solde=solde, taux_erreur=taux_erreur,
                  etapes=etapes)
