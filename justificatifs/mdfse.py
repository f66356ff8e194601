"""L'export vers « Ma Démarche FSE » d'une opération : ses participants avec leurs réponses aux questionnaires d'entrée
et de sortie, les indicateurs de réalisation et de résultat par sexe, l'état récapitulatif des dépenses déclarées
(et retenues au contrôle). Une archive ZIP : un classeur XLSX (trois feuilles) et les mêmes tableaux en CSV.

La correspondance des colonnes et la définition des indicateurs sont des données (`referentiel/mdfse.json`) : quand
le portail change son modèle d'import, on change le fichier, pas le code. Avant d'exporter, `qualite()` liste les
participants dont une donnée obligatoire manque.
"""
import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q
from django.urls import reverse
from openpyxl import Workbook

from annuaire.exports import neutraliser
from operations.models import Operation
from participants.completude import champs_manquants, incomplets
from participants.rapport import age_a_l_entree
from participants.realisation import population

from .models import Bilan

REFERENTIEL = Path(__file__).resolve().parent / "referentiel" / "mdfse.json"


def referentiel() -> dict:
    return json.loads(REFERENTIEL.read_text(encoding="utf-8"))


def participants_de(operation: Operation):
    """Les participants accompagnés pendant l'opération (ceux qu'elle déclare au FSE)."""
    return population(operation).accompagnes(operation.date_debut, operation.date_fin).annotate(age_entree=age_a_l_entree())


def qualite(operation: Operation) -> dict:
    """Les fiches incomplètes (champs manquants, lien pour corriger) et leur part du total."""
    participants = participants_de(operation)
    total = participants.count()
    lignes = [{"participant": p, "manques": champs_manquants(p), "adresse": reverse("participants:modifier", args=[p.pk])}
              for p in incomplets(participants).order_by("nom", "prenom", "pk")]
    return {"total": total, "incomplets": lignes, "part_incomplete": len(lignes) / total if total else None}


def _valeur(brute, colonne: dict):
    """La valeur écrite pour le portail : telle quelle, ou traduite par la table `valeurs` de la colonne."""
    valeurs = colonne.get("valeurs")
    if valeurs is None:
        return "" if brute is None else brute
    if "*" in valeurs:  # seule compte la présence d'une valeur (un quartier prioritaire, par exemple)
        return valeurs["*"] if brute not in (None, "") else valeurs.get("", "")
    cle = "" if brute is None else ("true" if brute else "false") if isinstance(brute, bool) else brute
    return valeurs.get(cle, "" if brute is None else str(brute))


def tableau_participants(operation: Operation, ref: dict) -> tuple[list[str], list[list]]:
    colonnes = ref["colonnes"]
    champs = [c["champ"] for c in colonnes]
    lignes = [[_valeur(ligne[i], c) for i, c in enumerate(colonnes)]
              for ligne in participants_de(operation).order_by("nom", "prenom", "pk").values_list(*champs)
              .iterator(chunk_size=2000)]
    return [c["colonne"] for c in colonnes], lignes


def tableau_indicateurs(operation: Operation, ref: dict) -> tuple[list[str], list[list]]:
    participants = participants_de(operation)
    sortis = Q(date_sortie__range=(operation.date_debut, operation.date_fin))
    comptes = {}
    for indicateur in ref["indicateurs"]:
        filtre = Q(**indicateur["filtre"]) & (sortis if indicateur.get("resultat") else Q())
        comptes.update({f"{indicateur['code']}_{sexe}": Count("pk", filter=filtre & Q(sexe=sexe)) for sexe in "HF"})
    totaux = participants.aggregate(**comptes)
    lignes = []
    for indicateur in ref["indicateurs"]:
        h, f = totaux[f"{indicateur['code']}_H"], totaux[f"{indicateur['code']}_F"]
        lignes.append([indicateur["code"], indicateur["libelle"], "résultat" if indicateur.get("resultat") else "réalisation",
                       h, f, h + f])
    return ["Code", "Indicateur", "Type", "Hommes", "Femmes", "Total"], lignes


def tableau_depenses(operation: Operation) -> tuple[list[str], list[list]]:
    from .controle import decisions_courantes

    lignes = []
    for bilan in Bilan.objects.filter(operation=operation).order_by("rang"):
        courantes = decisions_courantes(bilan)
        for d in bilan.depenses.all():
            c = courantes.get(d.pk)
            lignes.append([bilan.titre, d.get_categorie_display(), d.libelle, d.prevu, d.realise or Decimal(0),
                           c.get_decision_display() if c else "", c.montant_retenu if c else ""])
    return ["Bilan", "Catégorie", "Dépense", "Prévu (€)", "Déclaré (€)", "Décision du contrôle", "Retenu (€)"], lignes


def _csv(entetes: list[str], lignes: list[list]) -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(entetes)
    for ligne in lignes:
        ecrivain.writerow([
            str(v).replace(".", ",") if isinstance(v, Decimal)
            else v.strftime("%d/%m/%Y") if isinstance(v, date) else neutraliser(v) for v in ligne])
    return ("\ufeff" + sortie.getvalue()).encode("utf-8")


def _xlsx(feuilles: dict[str, tuple[list[str], list[list]]]) -> bytes:
    classeur = Workbook(write_only=True)
    for titre, (entetes, lignes) in feuilles.items():
        feuille = classeur.create_sheet(titre)
        feuille.append(entetes)
        for ligne in lignes:
            feuille.append([neutraliser(v) for v in ligne])
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def export_mdfse(operation: Operation) -> bytes:
    ref = referentiel()
    feuilles = {"participants": tableau_participants(operation, ref),
                "indicateurs": tableau_indicateurs(operation, ref),
                "depenses": tableau_depenses(operation)}
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"mdfse-{operation.code}.xlsx", _xlsx(feuilles))
        for nom, (entetes, lignes) in feuilles.items():
            archive.writestr(f"mdfse-{operation.code}-{nom}.csv", _csv(entetes, lignes))
    return tampon.getvalue()
