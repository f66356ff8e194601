"""Les opérations de la démonstration (`donnees/operations.yaml`) et leur vie (`donnees/parcours.yaml`), sans accès
à la base : plan de financement, objectifs et appel de chacune ; le chemin qui la mène dans la machine à états jusqu'à
son état, et la date de chaque étape (comités, bilans).

Tout est déterministe : deux chargements donnent les mêmes codes, les mêmes montants et les mêmes dates.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from appels_projets.options import EtatComite
from operations.options import CategorieDepense, Etat

from .acteurs import referents_par_structure
from .appels import COMITES, COMITES_DE_PILOTAGE
from .lecture import lire

CENTIME = Decimal("0.01")
_O = lire("operations")
_P = lire("parcours")


def repartir(total: int, poids: list[int]) -> list[int]:
    """Répartit `total` au prorata de `poids` en entiers dont la somme est exactement `total` (plus forts restes)."""
    somme = sum(poids)
    exacts = [Decimal(total) * p / somme for p in poids]
    parts = [int(x) for x in exacts]
    # À reste égal, la structure citée la première l'emporte : le résultat ne dépend que de l'ordre des listes.
    par_reste = sorted(range(len(poids)), key=lambda i: (-(exacts[i] - parts[i]), i))
    for i in par_reste[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- Plans de financement ---

def _euros(valeur) -> Decimal:
    return Decimal(str(valeur)).quantize(CENTIME, rounding=ROUND_HALF_UP)


def plan(*, personnel=None, fonctionnement=None, prestations=None, financement, solde="AUTOFINANCEMENT", forfait=True):
    """Dépenses et ressources équilibrées au centime : le financeur `solde` reçoit ce que les taux laissent.

    Les dépenses : {libellé: montant} par catégorie ; `financement` : {financeur: taux}, ou le nom d'un des
    `financements` du fichier.
    """
    if isinstance(financement, str):
        financement = _O["financements"][financement]
    P = CategorieDepense
    depenses = []
    for categorie, lignes in ((P.PERSONNEL, personnel), (P.FONCTIONNEMENT, fonctionnement), (P.PRESTATIONS, prestations)):
        depenses += [(categorie, libelle, _euros(m)) for libelle, m in (lignes or {}).items()]
    frais_de_personnel = sum((m for categorie, _, m in depenses if categorie == P.PERSONNEL), Decimal("0.00"))
    if forfait and frais_de_personnel:
        # Coûts indirects au forfait de 15 % des frais de personnel directs : l'option de coûts que choisit la
        # convention (Règlement (UE) n° 1303/2013, art. 68 § 1 b ; 2021/1060, art. 54 b).
        depenses.append((P.INDIRECTES, "Forfait de 15 % des dépenses directes de personnel",
                         _euros(frais_de_personnel * Decimal("0.15"))))
    total = sum((m for _, _, m in depenses), Decimal("0.00"))
    ressources = [(code, _euros(total * Decimal(taux))) for code, taux in financement.items()]
    reste = total - sum(m for _, m in ressources)
    if reste < 0 or solde in financement:
        raise ValueError(f"Plan de financement mal construit : reste {reste} pour {solde}.")
    if reste:
        ressources.append((solde, reste))
    return depenses, ressources


# --- Opérations ---

@dataclass
class OperationDemo:
    intitule: str
    type: str
    porteur: str
    periode: tuple[date, date]
    etat: str
    depuis: date  # date du dépôt (de la création pour un brouillon) ; avant la date limite de son appel
    financement: tuple
    objectifs: dict
    description: str = ""
    complements: bool = False  # passée par « incomplète » avant d'être recevable
    correction: bool = False  # bilan renvoyé une fois pour correction avant d'être contrôlé
    motivations: dict = field(default_factory=dict)
    appel: str = ""  # la clé de l'appel à projets auquel elle répond (voir `appels`) ; vide : hors appel


def _operation(o: dict) -> OperationDemo:
    return OperationDemo(
        o["intitule"], o["type"], o["porteur"], tuple(o["periode"]), Etat(o["etat"]), o["depuis"], plan(**o["plan"]),
        o["objectifs"], o["description"], o.get("complements", False), o.get("correction", False),
        o.get("motivations", {}), o.get("appel", ""),
    )


def portages(annee) -> list[OperationDemo]:
    """Un portage par structure qui porte des référents, ses objectifs au prorata de ses référents."""
    p = _O["portages_de_referents"][annee]
    structures = list(referents_par_structure().items())
    parts = {code: repartir(total, [n for _, n in structures]) for code, total in p["objectifs"].items()}
    resultat = []
    for i, (structure, n) in enumerate(structures):
        s = p["structures"][structure]
        etp = "1 ETP" if n == 1 else f"{n} ETP"
        resultat.append(_operation({
            **p, **s, "intitule": p["intitule"].format(structure=structure), "type": "PORTAGE_REFERENTS",
            "porteur": structure, "depuis": p["depuis"] + timedelta(days=i),
            "plan": {"personnel": {p["depense"].format(etp=etp): n * s["cout_referent"]}, "financement": s["financement"]},
            "objectifs": {code: parts[code][i] for code in p["objectifs"]},
            "motivations": {**p["motivations"], **({"renvoyer_bilan": s["renvoyer_bilan"]} if "renvoyer_bilan" in s else {})},
        }))
    return resultat


def objectifs_du_portage(annee) -> dict:
    """Les objectifs de l'ensemble des référents d'une année (ceux du rapport pour 2016)."""
    return _O["portages_de_referents"][annee]["objectifs"]


def operations_de_demo() -> list[OperationDemo]:
    """Les opérations dans l'ordre de création : il fixe leurs codes (OP-2016-001…, OP-2017-001…)."""
    resultat = []
    for o in _O["operations"]:
        resultat += portages(o["portages_de_referents"]) if "portages_de_referents" in o else [_operation(o)]
    return resultat


# --- Chemins dans la machine à états, et qui tire chaque transition ---

PRINCIPAL = _P["principal"]
# La dernière transition du chemin principal qui mène à l'état, ou (tronc, bifurcation) pour les états de côté.
ARRIVEE = {Etat(etat): arrivee for etat, arrivee in _P["arrivee"].items()}
DECISIONS_DU_COMITE = tuple(_P["decisions_du_comite"])
PAR_LE_PORTEUR = set(_P["par_le_porteur"])
PAR_ROLE = {nom: role for role, noms in _P["par_role"].items() for nom in noms}
# Délai en jours après l'étape précédente ; le comité et le bilan ont leurs propres dates (voir calendrier).
DELAIS = _P["delais_jours"]
DELAI_BILAN = timedelta(days=_P["delai_bilan_jours"])  # après la fin de réalisation
MOTIVATIONS = _P["motivations"]


def chemin(op: OperationDemo) -> list[str]:
    """Les transitions qui mènent une demande de brouillon à l'état voulu."""
    arrivee = ARRIVEE[op.etat]
    if arrivee is None:
        return []
    tronc, bifurcation = arrivee if isinstance(arrivee, list) else (arrivee, None)
    noms = PRINCIPAL[: PRINCIPAL.index(tronc) + 1] + ([bifurcation] if bifurcation else [])
    if op.complements and "declarer_recevable" in noms:
        noms[1:1] = ["demander_complements", "completer"]
    if op.correction and "valider_controle" in noms:
        i = noms.index("deposer_bilan") + 1
        noms[i:i] = ["renvoyer_bilan", "redeposer_bilan"]
    return noms


def comite_qui_decide(jour: date):
    """Le premier comité de programmation tenu après `jour` (celui qui décide d'une réponse à un appel), ou None."""
    return next((c for c in COMITES if c.etat == EtatComite.PV_VALIDE and c.date.date() > jour), None)


def _comite_de_pilotage(op: OperationDemo, jour: date) -> date:
    """Le premier comité de pilotage après `jour` (il programme une opération hors appel)."""
    suivant = next((c for c in COMITES_DE_PILOTAGE if c > jour), None)
    if suivant is None:
        raise ValueError(f"« {op.intitule} » : aucun comité de pilotage après le {jour:%d/%m/%Y} (donnees/comites.yaml).")
    return suivant


def calendrier(op: OperationDemo, noms: list[str]) -> list[date]:
    """La date de chaque transition de `noms` : décisions au comité suivant, bilan après la fin de réalisation.

    Une réponse à un appel est décidée par un comité de programmation (`appels.COMITES`) ; son instruction se
    clôt au plus tôt le jour où ce comité est convoqué, avec l'envoi du dossier de séance.
    """
    jours, jour = [], op.depuis
    for nom in noms:
        if nom in DECISIONS_DU_COMITE:
            jour = comite_qui_decide(jour).date.date() if op.appel else _comite_de_pilotage(op, jour)
        elif nom == "deposer_bilan":
            jour = max(jour + timedelta(days=1), op.periode[1] + DELAI_BILAN)
        else:
            jour += timedelta(days=DELAIS[nom])
            if nom == "clore_instruction" and op.appel and (comite := comite_qui_decide(jour)):
                jour = max(jour, comite.convocation.date())
        jours.append(jour)
    return jours
