"""Les données conventionnées d'une opération (période, plan de financement, objectifs) sous forme figée, leur
comparaison chiffre par chiffre (ce que montre un avenant) et leur application à l'opération (avenant signé).

Forme des données (JSON, montants en chaînes décimales pour ne rien arrondir) :
{"date_debut": "2016-01-01", "date_fin": "2016-12-31",
 "depenses": [{"categorie": "personnel", "libelle": "...", "montant": "18044.30"}],
 "ressources": [{"financeur": 3, "financeur_nom": "FSE+", "est_fse": true, "montant": "9000.00"}],
 "objectifs": [{"indicateur": 2, "indicateur_libelle": "Entrées", "unite": "participants", "valeur_cible": "150"}]}
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from annuaire.formats import euros, nombre, pourcentage
from operations.models import LigneDepense, LigneRessource, Objectif, Operation
from operations.options import CategorieDepense

ZERO = Decimal("0.00")
ORDRE_DES_CATEGORIES = {code: rang for rang, code in enumerate(CategorieDepense.values)}  # personnel d'abord


def donnees_de(operation: Operation) -> dict:
    """Les données actuelles de l'opération, figées."""
    return {
        "date_debut": operation.date_debut.isoformat() if operation.date_debut else None,
        "date_fin": operation.date_fin.isoformat() if operation.date_fin else None,
        "depenses": [{"categorie": d.categorie, "libelle": d.libelle, "montant": str(d.montant)}
                     for d in sorted(operation.depenses.all(), key=lambda d: (ORDRE_DES_CATEGORIES[d.categorie], d.pk))],
        "ressources": [{"financeur": r.financeur_id, "financeur_nom": str(r.financeur), "est_fse": r.financeur.est_fse,
                        "montant": str(r.montant)} for r in operation.ressources.select_related("financeur")],
        "objectifs": [{"indicateur": o.indicateur_id, "indicateur_libelle": o.indicateur.libelle, "unite": o.indicateur.unite,
                       "valeur_cible": str(o.valeur_cible)} for o in operation.objectifs.select_related("indicateur")],
    }


def demande_figee(operation: Operation) -> dict:
    """La demande d'origine (`Operation.demande`) : le plan actuel de l'opération et ses deux totaux, figés."""
    plan = donnees_de(operation)
    return {"montant_fse": str(montant_fse(plan)), "total_depenses": str(total_depenses(plan)), "plan": plan}


def plan_conventionne(demande: dict, *, fse_vote: Decimal, autofinancement) -> dict:
    """Le plan de la demande, l'aide FSE ramenée au montant voté s'il est inférieur : le coût total éligible ne change
    pas, l'écart va à l'autofinancement du porteur (`autofinancement` : le financeur, sa ligne est créée ou augmentée).
    """
    ecart = montant_fse(demande) - fse_vote
    if ecart <= 0:
        return demande
    ressources, reste = [dict(r) for r in demande["ressources"]], ecart
    for ligne in reversed(ressources):  # une seule ligne FSE d'ordinaire ; sinon, la dernière baisse d'abord
        if ligne["est_fse"] and reste:
            baisse = min(reste, Decimal(ligne["montant"]))
            ligne["montant"], reste = str(Decimal(ligne["montant"]) - baisse), reste - baisse
    ligne = next((r for r in ressources if r["financeur"] == autofinancement.pk), None)
    if ligne is None:
        ressources.append({"financeur": autofinancement.pk, "financeur_nom": autofinancement.libelle,
                           "est_fse": autofinancement.est_fse, "montant": str(ecart)})
    else:
        ligne["montant"] = str(Decimal(ligne["montant"]) + ecart)
    return {**demande, "ressources": ressources}


def total_depenses(donnees: dict) -> Decimal:
    return sum((Decimal(d["montant"]) for d in donnees["depenses"]), ZERO)


def total_ressources(donnees: dict) -> Decimal:
    return sum((Decimal(r["montant"]) for r in donnees["ressources"]), ZERO)


def montant_fse(donnees: dict) -> Decimal:
    return sum((Decimal(r["montant"]) for r in donnees["ressources"] if r["est_fse"]), ZERO)


def taux_fse(donnees: dict) -> Decimal | None:
    total = total_depenses(donnees)
    return (montant_fse(donnees) / total).quantize(Decimal("0.0001")) if total else None


def _jour(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


@dataclass(frozen=True)
class Ecart:
    """Un chiffre que l'avenant change : où il est, ce qu'il valait, ce qu'il vaut."""

    rubrique: str
    libelle: str
    avant: str
    apres: str


def _par_cle(lignes, cle, valeur) -> dict:
    somme = {}
    for ligne in lignes:
        somme[cle(ligne)] = somme.get(cle(ligne), ZERO) + Decimal(ligne[valeur])
    return somme


def _ecarts_de(rubrique, avant: dict, apres: dict, ecrire) -> list[Ecart]:
    return [Ecart(rubrique, cle, ecrire(avant.get(cle)), ecrire(apres.get(cle)))
            for cle in [*avant, *(c for c in apres if c not in avant)] if avant.get(cle) != apres.get(cle)]


def ecarts(avant: dict, apres: dict) -> list[Ecart]:
    """Chaque chiffre changé : dates, dépenses par catégorie, ressources par financeur, totaux, FSE, objectifs."""
    absent = "—"

    def en_euros(v):
        return euros(v) if v is not None else absent

    def en_nombre(v):
        return nombre(v) if v is not None else absent

    resultat = [
        Ecart("Période", libelle, _jour(avant[cle]), _jour(apres[cle]))
        for cle, libelle in [("date_debut", "Début de réalisation"), ("date_fin", "Fin de réalisation")]
        if avant[cle] != apres[cle]
    ]
    categorie = lambda ligne: CategorieDepense(ligne["categorie"]).label  # noqa: E731
    resultat += _ecarts_de("Dépenses", _par_cle(avant["depenses"], categorie, "montant"),
                           _par_cle(apres["depenses"], categorie, "montant"), en_euros)
    financeur = lambda ligne: ligne["financeur_nom"]  # noqa: E731
    resultat += _ecarts_de("Ressources", _par_cle(avant["ressources"], financeur, "montant"),
                           _par_cle(apres["ressources"], financeur, "montant"), en_euros)
    totaux = [
        ("Coût total", total_depenses, en_euros),
        ("Total des ressources", total_ressources, en_euros),
        ("Montant FSE", montant_fse, en_euros),
        ("Taux FSE", taux_fse, lambda v: pourcentage(v) if v is not None else absent),
    ]
    resultat += [Ecart("Totaux", libelle, ecrire(calcul(avant)), ecrire(calcul(apres)))
                 for libelle, calcul, ecrire in totaux if calcul(avant) != calcul(apres)]
    objectif = lambda ligne: ligne["indicateur_libelle"]  # noqa: E731
    resultat += _ecarts_de("Objectifs", _par_cle(avant["objectifs"], objectif, "valeur_cible"),
                           _par_cle(apres["objectifs"], objectif, "valeur_cible"), en_nombre)
    return resultat


def appliquer(operation: Operation, donnees: dict) -> None:
    """Remplace la période, le plan de financement et les objectifs de l'opération (dans la transaction appelante)."""
    operation.date_debut, operation.date_fin = date.fromisoformat(donnees["date_debut"]), date.fromisoformat(donnees["date_fin"])
    operation.save(update_fields=["date_debut", "date_fin"])
    operation.depenses.all().delete()
    operation.ressources.all().delete()
    operation.objectifs.all().delete()
    LigneDepense.objects.bulk_create(LigneDepense(operation=operation, categorie=d["categorie"], libelle=d["libelle"],
                                                  montant=Decimal(d["montant"])) for d in donnees["depenses"])
    LigneRessource.objects.bulk_create(LigneRessource(operation=operation, financeur_id=r["financeur"],
                                                      montant=Decimal(r["montant"])) for r in donnees["ressources"])
    Objectif.objects.bulk_create(Objectif(operation=operation, indicateur_id=o["indicateur"],
                                          valeur_cible=Decimal(o["valeur_cible"])) for o in donnees["objectifs"])
