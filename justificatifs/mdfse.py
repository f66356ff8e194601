"""L'export vers « Ma Démarche FSE » d'une opération : ses participants au sens du FSE (une ligne chacun, avec ses dates
d'entrée et de sortie de l'opération et ses réponses aux questionnaires d'entrée et de sortie), les indicateurs du
programme de l'opération par sexe, l'état récapitulatif des dépenses déclarées (et retenues au contrôle). Une archive
ZIP : un classeur XLSX (trois feuilles) et les mêmes tableaux en CSV.

Tout est donnée : la correspondance des colonnes (`referentiel/mdfse.json` : quand le portail change son modèle
d'import, on change le fichier, pas le code) et les indicateurs (ceux du programme de l'opération, 2014-2020 ou
2021-2027, `operation.programme.indicateurs`). Avant d'exporter, `qualite()` liste les participants dont une donnée
obligatoire manque et la part des fiches sans contact, comparée aux seuils du programme.
"""
import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from annuaire.exports import neutraliser
from operations.models import Operation
from participants.completude import champs_manquants, incomplets, message_contacts, sans_contact
from participants.participations import compter_indicateurs, participations

from .controle import decisions_courantes
from .models import Bilan, ExportMdfse
from .xlsx import classeur

REFERENTIEL = Path(__file__).resolve().parent / "referentiel" / "mdfse.json"


def referentiel() -> dict:
    return json.loads(REFERENTIEL.read_text(encoding="utf-8"))


def qualite(operation: Operation) -> dict:
    """Les fiches incomplètes (champs manquants, lien pour corriger), leur part du total, et les fiches sans contact
    comparées aux seuils du programme (voir participants.completude.sans_contact)."""
    participants = participations(operation)
    total = participants.count()
    lignes = [{"participant": p, "manques": champs_manquants(p), "adresse": reverse("participants:modifier", args=[p.pk])}
              for p in incomplets(participants).order_by("nom", "prenom", "pk")]
    contacts = sans_contact(operation)
    return {"total": total, "incomplets": lignes, "part_incomplete": len(lignes) / total if total else None,
            "contacts": contacts, "message_contacts": message_contacts(contacts)}


def _valeur(brute, colonne: dict):
    """La valeur écrite pour le portail : telle quelle, ou traduite par la table `valeurs` de la colonne."""
    valeurs = colonne.get("valeurs")
    if valeurs is None:
        return "" if brute is None else brute
    if "*" in valeurs:  # seule compte la présence d'une valeur (un quartier prioritaire, par exemple)
        return valeurs["*"] if brute not in (None, "") else valeurs.get("", "")
    cle = "" if brute is None else ("true" if brute else "false") if isinstance(brute, bool) else brute
    return valeurs.get(cle, "" if brute is None else str(brute))


def _traducteur(colonne: dict):
    """Ce qu'écrit la colonne pour une valeur brute (`_valeur`, texte neutralisé) ; une colonne codée n'a que quelques
    valeurs distinctes : chacune est traduite une fois."""
    if colonne.get("valeurs") is None:
        return _brute
    traductions = {}

    def traduire(brute):
        try:
            return traductions[brute]
        except KeyError:
            traductions[brute] = valeur = neutraliser(_valeur(brute, colonne))
            return valeur
    return traduire


def _brute(brute):
    return "" if brute is None else neutraliser(brute)


def tableau_participants(operation: Operation, ref: dict) -> tuple[list[str], list[list]]:
    """Une ligne par participant, valeurs écrites pour le portail (textes neutralisés : voir annuaire.exports)."""
    colonnes = ref["colonnes"]
    traducteurs = [_traducteur(c) for c in colonnes]
    lignes = [[traduire(v) for traduire, v in zip(traducteurs, ligne)]
              for ligne in participations(operation).order_by("nom", "prenom", "pk")
              .values_list(*[c["champ"] for c in colonnes]).iterator(chunk_size=2000)]
    return [c["colonne"] for c in colonnes], lignes


def tableau_indicateurs(operation: Operation) -> tuple[list[str], list[list]]:
    """Les indicateurs du programme de l'opération, par sexe (règlement (UE) n° 1304/2013 ou 2021/1057, annexe I)."""
    types = {"realisation": "réalisation", "resultat": "résultat"}
    lignes = [[neutraliser(i["code"]), neutraliser(i["libelle"]), types[i["type"]], i["H"], i["F"], i["H"] + i["F"]]
              for i in compter_indicateurs(operation)]
    return ["Code", "Indicateur", "Type", "Hommes", "Femmes", "Total"], lignes


def tableau_depenses(operation: Operation) -> tuple[list[str], list[list]]:
    lignes = []
    for bilan in Bilan.objects.filter(operation=operation).order_by("rang"):
        courantes = decisions_courantes(bilan)
        for d in bilan.depenses.all():
            c = courantes.get(d.pk)
            lignes.append([neutraliser(bilan.titre), d.get_categorie_display(), neutraliser(d.libelle), d.prevu,
                           d.realise or Decimal(0), c.get_decision_display() if c else "",
                           c.montant_retenu if c else ""])
    return ["Bilan", "Catégorie", "Dépense", "Prévu (€)", "Déclaré (€)", "Décision du contrôle", "Retenu (€)"], lignes


def _csv(entetes: list[str], lignes: list[list]) -> bytes:
    """Le tableau en CSV pour un tableur français : `;`, virgule décimale, dates jj/mm/aaaa (textes déjà neutralisés)."""
    dates = {}

    def ecrire(v):
        if isinstance(v, Decimal):
            return str(v).replace(".", ",")
        if isinstance(v, date):
            if v not in dates:
                dates[v] = v.strftime("%d/%m/%Y")
            return dates[v]
        return v

    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(entetes)
    ecrivain.writerows([v if v.__class__ in (str, int) else ecrire(v) for v in ligne] for ligne in lignes)
    return ("\ufeff" + sortie.getvalue()).encode("utf-8")


def export_mdfse(operation: Operation) -> bytes:
    ref = referentiel()
    feuilles = {"participants": tableau_participants(operation, ref),
                "indicateurs": tableau_indicateurs(operation),
                "depenses": tableau_depenses(operation)}
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        # Le classeur est déjà compressé (c'est une archive ZIP) : le recompresser coûte sans rien gagner.
        archive.writestr(f"mdfse-{operation.code}.xlsx", classeur(feuilles), zipfile.ZIP_STORED)
        for nom, (entetes, lignes) in feuilles.items():
            archive.writestr(f"mdfse-{operation.code}-{nom}.csv", _csv(entetes, lignes))
    return tampon.getvalue()


def mdfse_exporter(*, operation: Operation, user=None) -> bytes:
    """L'archive « Ma Démarche FSE » de l'opération, inscrite au journal des exports (page et commande : `user` vide
    pour la ligne de commande) : le bureau du gestionnaire ne la redemande plus avant le mois suivant."""
    archive = export_mdfse(operation)
    ExportMdfse.objects.create(operation=operation, fait_par=user, participants=participations(operation).count(),
                               empreinte=hashlib.sha256(archive).hexdigest())
    return archive
