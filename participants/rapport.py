"""Les chiffres du rapport d'activité pour une période (docs/specs/rapport-activite.md), calculés en base.

Chaque tableau est une agrégation SQL (GROUP BY) : le temps dépend du nombre de participants, pas de Python qui
les parcourrait un à un. Les clés du JSON sont un contrat : d'autres outils les lisent.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import Case, Count, F, Func, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from annuaire.models import Commune, Qpv
from annuaire.plies import des_plie
from annuaire.replique import lectures_sur_la_replique

from .models import Etape, Participant
from .rapport_clauses import (a_des_clauses, chiffres_clauses, graphique_clauses, lignes_du_classeur,
                              tableaux_clauses)

TRANCHES = [("15-24", 15), ("25-44", 25), ("45-54", 45), ("55-64", 55), ("65+", 65)]  # libellé, âge minimal
JOURS_PAR_MOIS = Decimal("30.4375")


@dataclass(frozen=True)
class PartieDuRapport:
    """Une partie du rapport que calcule une app plus haute (que `participants` ne peut pas importer) : elle s'inscrit
    dans `PARTIES_DU_RAPPORT` depuis son `AppConfig.ready()` (l'enveloppe souple : `justificatifs`).

    `calculer(debut, fin, plies)` rend sa clé du JSON (pour les PLIE `plies`, None : tous) ; `lignes(donnees)` ses lignes (rubrique, détail, valeur) pour sa
    feuille du classeur, nommée `titre` ; `contexte(donnees)` ses variables du modèle Word ; `gabarit` la section de
    la page web, incluse avec `donnees`."""

    cle: str
    titre: str
    calculer: Callable[[date, date, list[int] | None], dict]
    lignes: Callable[[dict], Iterable[tuple]]
    contexte: Callable[[dict], dict]
    gabarit: str


PARTIES_DU_RAPPORT: dict[str, PartieDuRapport] = {}


def _arrondi(valeur, chiffres: int) -> float:
    return float(Decimal(str(valeur)).quantize(Decimal(1).scaleb(-chiffres), rounding=ROUND_HALF_UP))


def age_a_l_entree(entree: str = "date_entree"):
    """L'âge en années révolues à la date `entree` (l'entrée au PLIE, ou une annotation comme l'entrée dans une
    opération), calculé par la base (à annoter sur des participants)."""
    annees = ExtractYear(entree) - ExtractYear("date_naissance")
    avant_anniversaire = Case(
        When(Q(**{f"{entree}__month__lt": ExtractMonth("date_naissance")})
             | Q(**{f"{entree}__month": ExtractMonth("date_naissance"), f"{entree}__day__lt": F("date_naissance__day")}),
             then=Value(1)),
        default=Value(0), output_field=IntegerField())
    return annees - avant_anniversaire


class RangDeTranche(Func):
    """Le rang de la tranche d'âge à l'entrée au PLIE : 0 avant 15 ans, puis 1 pour « 15-24 »… jusqu'à 5 pour « 65+ »
    (`TRANCHES`). L'âge en années révolues n'est calculé qu'une fois par personne : PostgreSQL range l'âge de `age()`
    dans les bornes (`width_bucket`) ; SQLite (la démonstration) soustrait les dates écrites AAAAMMJJ, dont la
    différence divisée par 10 000 est l'âge révolu (29 février compris)."""

    output_field = IntegerField()
    BORNES = [mini for _, mini in TRANCHES]

    def __init__(self):
        super().__init__(F("date_entree"), F("date_naissance"))

    def as_postgresql(self, compiler, connection, **extra):
        bornes = ", ".join(map(str, self.BORNES))
        return self.as_sql(compiler, connection, template=(
            f"width_bucket(date_part('year', age(%(expressions)s))::int, ARRAY[{bornes}])"), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        (entree, params_e), (naissance, params_n) = (compiler.compile(e) for e in self.source_expressions)
        age = (f"((CAST(strftime('%%Y%%m%%d', {entree}) AS INTEGER) "
               f"- CAST(strftime('%%Y%%m%%d', {naissance}) AS INTEGER)) / 10000)")
        rangs = " ".join(f"WHEN {age} < {borne} THEN {rang}" for rang, borne in enumerate(self.BORNES))
        return f"CASE {rangs} ELSE {len(self.BORNES)} END", [*params_e, *params_n] * len(self.BORNES)


LIBELLES_DES_RANGS = ["", *(cle for cle, _ in TRANCHES)]  # le rang 0 (moins de 15 ans) n'a pas de tranche


def _lignes_sql(queryset) -> list[tuple]:
    """Les lignes d'une agrégation telles que la base les rend : textes, clés et nombres n'ont pas de conversion à
    subir, et les dizaines de milliers de groupes d'un rapport consolidé s'en passent (un tiers de son temps)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as curseur:
        curseur.execute(sql, params)
        return curseur.fetchall()


@lectures_sur_la_replique()
def rapport_activite(debut: date, fin: date, plies: list[int] | None = None) -> dict:
    """Trois parcours pour les quatre parties : les accompagnés (les entrées et les personnes en parcours en fin de
    période en sont des parties, comptées par des filtres d'agrégat), les personnes entrées ou sorties dans la période
    (les entrées par prescripteur, les sorties ; lues par les index des dates), les étapes ; chaque tableau est
    regroupé de leurs lignes. Puis les parties des clauses et des autres apps (`PARTIES_DU_RAPPORT`).

    `plies` : les PLIE comptés (ceux que voit l'utilisateur, `plies_de`) ; plusieurs : le rapport consolidé, leur
    somme. None : toute l'installation (les bancs, la démo d'un seul PLIE). Lu sur la réplique en lecture quand elle
    est déclarée (`annuaire.replique`)."""
    participants = des_plie(Participant.objects.entres(), plies).annotate(tranche=RangDeTranche()).order_by()
    entre = Q(date_entree__range=(debut, fin))
    en_parcours = Q(date_sortie__isnull=True) | Q(date_sortie__gt=fin)

    accompagnes = {"total": 0, "par_sexe": {"H": 0, "F": 0}, "par_tranche_age": {}, "par_commune": {},
                   "qpv": {"total": 0, "par_quartier": {}}, "en_parcours_fin_periode": 0}
    entrees = {"total": 0, "par_sexe": {"H": 0, "F": 0}, "par_tranche_age": {}, "par_prescripteur": {}}
    # Regroupés par les clés des communes et quartiers, les noms des seules clés rencontrées lus ensuite : pas de
    # jointure dans le parcours.
    groupes = _lignes_sql(participants.accompagnes(debut, fin).values_list("tranche", "sexe", "commune_id", "qpv_id")
                          .annotate(n=Count("*"), entrees=Count("pk", filter=entre),
                                    parcours=Count("pk", filter=en_parcours)))
    communes = dict(Commune.objects.filter(pk__in={g[2] for g in groupes}).values_list("pk", "nom"))
    quartiers = dict(Qpv.objects.filter(pk__in={g[3] for g in groupes if g[3]}).values_list("pk", "nom"))
    for rang, sexe, commune, quartier, n, n_entrees, n_parcours in groupes:
        cle, commune, quartier = LIBELLES_DES_RANGS[rang], communes.get(commune), quartiers.get(quartier)
        accompagnes["total"] += n
        accompagnes["en_parcours_fin_periode"] += n_parcours
        entrees["total"] += n_entrees
        _ajouter(accompagnes["par_sexe"], sexe, n)
        _ajouter(entrees["par_sexe"], sexe, n_entrees)
        if cle:
            accompagnes["par_tranche_age"].setdefault(cle, {"H": 0, "F": 0})[sexe] += n
        _ajouter(entrees["par_tranche_age"], cle, n_entrees)
        _ajouter(accompagnes["par_commune"], commune, n)
        _ajouter(accompagnes["qpv"]["par_quartier"], quartier, n)
    accompagnes["qpv"]["total"] = sum(accompagnes["qpv"]["par_quartier"].values())

    # Les entrées par prescripteur et les sorties de la période en un second parcours : les seules personnes entrées
    # ou sorties dans la période (les index des deux dates), regroupées par sexe, prescripteur et motif.
    sorties = {"total": 0, "positives": 0, "par_sexe": {s: {"total": 0, "positives": 0} for s in ("H", "F")},
               "par_motif": {}, "positives_par_categorie": {"emploi": 0, "emploi_aide": 0, "formation_qualifiante": 0}}
    neutres = jours = 0
    sorti = Q(date_sortie__range=(debut, fin))
    for sexe, prescripteur, motif, categorie, neutre, n_entrees, n, duree in (
            des_plie(Participant.objects.entres(), plies).filter(entre | sorti).order_by()
            .values_list("sexe", "prescripteur__code", "motif_sortie__code", "motif_sortie__categorie",
                         "motif_sortie__neutre")
            .annotate(entrees=Count("pk", filter=entre), n=Count("pk", filter=sorti),
                      duree=Sum(F("date_sortie") - F("date_entree"), filter=sorti))):
        _ajouter(entrees["par_prescripteur"], prescripteur, n_entrees)
        if not n:
            continue
        # Toute sortie a son motif (contrainte `sortie_avec_motif`) ; une catégorie en fait une sortie positive.
        positives = n if categorie else 0
        sorties["total"] += n
        sorties["positives"] += positives
        par_sexe = sorties["par_sexe"].setdefault(sexe, {"total": 0, "positives": 0})
        par_sexe["total"] += n
        par_sexe["positives"] += positives
        neutres += n if neutre else 0
        jours += duree.days  # des dates : des jours entiers
        _ajouter(sorties["par_motif"], motif, n)
        _ajouter(sorties["positives_par_categorie"], categorie, n)
    total, positives = sorties["total"], sorties["positives"]
    sorties["taux_sorties_positives"] = _arrondi(positives / total, 4) if total else 0.0
    sorties["taux_sorties_positives_hors_neutres"] = _arrondi(positives / (total - neutres), 4) if total > neutres else 0.0
    sorties["duree_moyenne_parcours_mois"] = _arrondi(Decimal(jours) / total / JOURS_PAR_MOIS, 1) if total else 0.0

    etapes = {"total": 0, "vers_emploi": 0, "par_type": {}}
    for code, vers_emploi, n in (des_plie(Etape.objects.filter(date_debut__range=(debut, fin)), plies)
                                 .order_by()
                                 .values_list("type__code", "type__vers_emploi").annotate(n=Count("*"))):
        etapes["total"] += n
        etapes["vers_emploi"] += n if vers_emploi else 0
        _ajouter(etapes["par_type"], code, n)

    # Les tableaux dans l'ordre de leurs clés (tranches d'âge, communes, codes), comme la page, le Word et le classeur
    # les montrent.
    for table in (accompagnes, entrees, etapes, sorties):
        for rubrique in ("par_tranche_age", "par_commune", "par_prescripteur", "par_type", "par_motif"):
            if rubrique in table:
                table[rubrique] = dict(sorted(table[rubrique].items()))
    accompagnes["qpv"]["par_quartier"] = dict(sorted(accompagnes["qpv"]["par_quartier"].items()))

    rapport = {
        "periode": {"debut": debut.isoformat(), "fin": fin.isoformat()},
        "accompagnes": accompagnes,
        "entrees": entrees,
        "etapes": etapes,
        "sorties": sorties,
        "clauses": chiffres_clauses(debut, fin, plies),
    }
    for cle, partie in PARTIES_DU_RAPPORT.items():
        rapport[cle] = partie.calculer(debut, fin, plies)
    return rapport


def _ajouter(table: dict, cle, n: int):
    """Ajoute `n` à la clé (les clés vides et les nombres nuls ne figurent pas dans les tableaux du rapport)."""
    if cle and n:
        table[cle] = table.get(cle, 0) + n


# --- Le même rapport en classeur : une feuille par partie, un tableau par rubrique ---

LIBELLES = {"accompagnes": "Accompagnés", "entrees": "Entrées", "etapes": "Étapes", "sorties": "Sorties"}


RUBRIQUES = {
    "total": "Total", "par_sexe": "Par sexe", "par_tranche_age": "Par tranche d'âge", "par_commune": "Par commune",
    "qpv": "Résidents d'un quartier prioritaire", "par_quartier": "par quartier", "en_parcours_fin_periode":
    "En parcours en fin de période", "par_prescripteur": "Par prescripteur", "par_type": "Par type d'étape",
    "vers_emploi": "Vers l'emploi", "positives": "Sorties positives", "par_motif": "Par motif",
    "positives_par_categorie": "Sorties positives par catégorie", "taux_sorties_positives": "Taux de sorties positives",
    "taux_sorties_positives_hors_neutres": "Taux de sorties positives hors sorties neutres",
    "duree_moyenne_parcours_mois": "Durée moyenne de parcours (mois)",
}
SEXES = {"H": "Hommes", "F": "Femmes"}


def _lignes(rubrique: str, valeur, prefixe=(), noms=None):
    """Aplatit une rubrique en lignes (libellé, détail, valeur) : `Par tranche d'âge / 25-44 / Femmes = 97`, les codes
    remplacés par leurs libellés (`noms`)."""
    noms = noms or {}
    if isinstance(valeur, dict):
        for cle, sous in valeur.items():
            cle = str(cle)
            yield from _lignes(rubrique, sous, (*prefixe, noms.get(cle) or SEXES.get(cle) or RUBRIQUES.get(cle, cle)), noms)
    else:
        yield (RUBRIQUES.get(rubrique, rubrique.replace("_", " ")), " / ".join(prefixe), valeur)


def _feuille(classeur, titre: str, lignes, *, largeurs=(32, 40)):
    """Une feuille « Rubrique, Détail, Valeur » ; une ligne peut porter en 4e le format de nombre de sa valeur
    (« 0.00% », « # ##0.00 € »)."""
    from openpyxl.styles import Font

    feuille = classeur.create_sheet(titre)
    feuille.append(["Rubrique", "Détail", "Valeur"])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for ligne in lignes:
        feuille.append(list(ligne[:3]))
        if len(ligne) > 3:
            feuille.cell(feuille.max_row, 3).number_format = ligne[3]
    feuille.column_dimensions["A"].width, feuille.column_dimensions["B"].width = largeurs
    return feuille


def en_xlsx(rapport: dict) -> bytes:
    import io

    import openpyxl
    from openpyxl.styles import Font

    classeur = openpyxl.Workbook()
    periode = classeur.active
    periode.title = "Période"
    periode.append(["Rapport d'activité du PLIE"])
    periode.append(["Du", date.fromisoformat(rapport["periode"]["debut"])])
    periode.append(["Au", date.fromisoformat(rapport["periode"]["fin"])])
    periode["B2"].number_format = periode["B3"].number_format = "dd/mm/yyyy"
    periode["A1"].font = Font(bold=True)
    libelles = libelles_du_rapport()
    noms = {**libelles["prescripteurs"], **libelles["types"], **libelles["motifs"], **libelles["categories"]}
    for partie, libelle in LIBELLES.items():
        _feuille(classeur, libelle, (
            (*ligne, "0.00%") if isinstance(ligne[2], float) and rubrique.startswith("taux") else ligne
            for rubrique, valeur in rapport[partie].items() for ligne in _lignes(rubrique, valeur, noms=noms)))
    if clauses := tableaux_clauses(rapport["clauses"]):
        # Les parts (Decimal) s'écrivent en pourcentages.
        _feuille(classeur, "Clauses d'insertion", (
            (rubrique, detail, float(valeur), "0.00%") if isinstance(valeur, Decimal) else (rubrique, detail, valeur)
            for rubrique, detail, valeur in lignes_du_classeur(clauses)), largeurs=(40, 44))
    for cle, partie in PARTIES_DU_RAPPORT.items():
        _feuille(classeur, partie.titre, partie.lignes(rapport[cle]))
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def libelles_du_rapport() -> dict[str, dict[str, str]]:
    """Les libellés des codes que compte le rapport (prescripteurs, types d'étape, motifs et catégories de sortie) :
    la page, le Word et le tableur disent les mêmes mots, jamais les codes."""
    from annuaire.models import Prescripteur

    from .models import MotifSortie, TypeEtape
    from .options import CategorieSortie

    return {"prescripteurs": dict(Prescripteur.objects.values_list("code", "libelle")),
            "types": dict(TypeEtape.objects.values_list("code", "libelle")),
            "motifs": dict(MotifSortie.objects.values_list("code", "libelle")),
            "categories": dict(CategorieSortie.choices)}


def barres_du_rapport(rapport: dict) -> dict[str, list[dict]]:
    """Les répartitions à dessiner en barres (page web) : libellé, nombre, part du total en %."""
    libelles = libelles_du_rapport()

    def barres(table: dict, noms: dict | None = None) -> list[dict]:
        total = sum(table.values()) or 1
        return [{"libelle": (noms or {}).get(cle, cle), "nombre": n, "part": round(100 * n / total, 1)}
                for cle, n in sorted(table.items(), key=lambda kv: -kv[1])]

    sorties = rapport["sorties"]
    return {
        "Entrées par prescripteur": barres(rapport["entrees"]["par_prescripteur"], libelles["prescripteurs"]),
        "Entrées par tranche d'âge": barres(rapport["entrees"]["par_tranche_age"]),
        "Accompagnés par commune": barres(rapport["accompagnes"]["par_commune"]),
        "Étapes par type": barres(rapport["etapes"]["par_type"], libelles["types"]),
        "Sorties positives par catégorie": barres(sorties["positives_par_categorie"], libelles["categories"]),
        "Sorties par motif": barres(sorties["par_motif"], libelles["motifs"]),
    }


def a_des_donnees(rapport: dict) -> bool:
    return bool(rapport["accompagnes"]["total"] or rapport["entrees"]["total"] or rapport["sorties"]["total"]
                or a_des_clauses(rapport["clauses"]))


def graphiques_du_rapport(rapport: dict) -> dict[str, bytes]:
    """Les trois graphiques du rapport papier (PNG) : insérés dans le Word, montrés sur la page."""
    from .graphiques import barres

    libelles = libelles_du_rapport()
    prescripteurs = _parts(rapport["entrees"]["par_prescripteur"], libelles["prescripteurs"])
    ages = [(f"{t} ans", hf.get("H", 0) + hf.get("F", 0)) for t, hf in rapport["accompagnes"]["par_tranche_age"].items()]
    categories = _parts(rapport["sorties"]["positives_par_categorie"], libelles["categories"])
    return {
        "Entrées par prescripteur": barres("Entrées par prescripteur", [p["libelle"] for p in prescripteurs],
                                           [p["nombre"] for p in prescripteurs]),
        "Personnes accompagnées par âge": barres("Personnes accompagnées par âge", [a for a, _ in ages],
                                                 [n for _, n in ages]),
        "Sorties positives par catégorie": barres("Sorties positives par catégorie", [c["libelle"] for c in categories],
                                                  [c["nombre"] for c in categories]),
    }


# --- Le même rapport en document Word, avec les graphiques du rapport papier ---

def programmes_de_la_periode(debut: date, fin: date) -> list:
    """Les programmes européens que nomme le rapport : ceux des opérations réalisées sur la période (le rapport d'un
    PLIE qui mène des opérations des deux périodes nomme les deux) ; sans opération, ceux dont la programmation
    couvre la période."""
    from operations.programmes import Programme

    from .realisation import ETATS_REALISES

    realisees = Programme.objects.filter(operations__etat__in=ETATS_REALISES, operations__date_debut__lte=fin,
                                         operations__date_fin__gte=debut).distinct()
    return list(realisees) or list(Programme.objects.filter(debut_programmation__lte=fin, fin_programmation__gte=debut))


def _parts(table: dict, libelles: dict | None = None) -> list[dict]:
    total = sum(table.values()) or 1
    return [{"libelle": (libelles or {}).get(cle, cle), "nombre": n, "part": Decimal(n) / total}
            for cle, n in sorted(table.items(), key=lambda kv: -kv[1])]


def contexte_docx(rapport: dict) -> dict:
    from operations.documents import ImageDocx
    from operations.programmes import mention_de

    from .models import MotifSortie

    libelles = libelles_du_rapport()
    prescripteurs, motifs, types = libelles["prescripteurs"], libelles["motifs"], libelles["types"]
    acc, ent, sor = rapport["accompagnes"], rapport["entrees"], rapport["sorties"]
    ages = [{"tranche": f"{t} ans", "h": hf.get("H", 0), "f": hf.get("F", 0), "total": hf.get("H", 0) + hf.get("F", 0)}
            for t, hf in acc["par_tranche_age"].items()]
    categories = _parts(sor["positives_par_categorie"], libelles["categories"])
    positifs = set(MotifSortie.objects.exclude(categorie="").values_list("code", flat=True))
    autres = _parts({m: n for m, n in sor["par_motif"].items() if m not in positifs}, motifs)
    entrees_prescripteurs = _parts(ent["par_prescripteur"], prescripteurs)
    debut, fin = date.fromisoformat(rapport["periode"]["debut"]), date.fromisoformat(rapport["periode"]["fin"])
    clauses = tableaux_clauses(rapport["clauses"])
    return {
        "periode": {"debut": debut, "fin": fin},
        "mention_fse": mention_de(programmes_de_la_periode(debut, fin)),
        "chiffres": {
            "accompagnes": acc["total"], "hommes": acc["par_sexe"].get("H", 0), "femmes": acc["par_sexe"].get("F", 0),
            "en_parcours": acc["en_parcours_fin_periode"], "qpv": acc["qpv"]["total"], "entrees": ent["total"],
            "etapes": rapport["etapes"]["total"], "vers_emploi": rapport["etapes"]["vers_emploi"],
            "sorties": sor["total"], "positives": sor["positives"], "taux": Decimal(str(sor["taux_sorties_positives"])),
            "taux_hors_neutres": Decimal(str(sor["taux_sorties_positives_hors_neutres"])),
            "duree": Decimal(str(sor["duree_moyenne_parcours_mois"])),
        },
        "ages": ages,
        "communes": _parts(acc["par_commune"]),
        "quartiers": _parts(acc["qpv"]["par_quartier"]),
        "prescripteurs": entrees_prescripteurs,
        "entrees_ages": _parts(ent["par_tranche_age"]),
        "etapes": _parts(rapport["etapes"]["par_type"], types),
        "sorties_sexe": [{"sexe": "Hommes" if s == "H" else "Femmes", **v} for s, v in sor["par_sexe"].items()],
        "categories": categories,
        "autres_sorties": autres,
        **{cle: ImageDocx(png, 160) for cle, png in zip(
            ["graphique_prescripteurs", "graphique_ages", "graphique_sorties"], graphiques_du_rapport(rapport).values())},
        "clauses": clauses,
        "graphique_clauses": ImageDocx(graphique_clauses(clauses), 160) if clauses else "",
        **{variable: valeur for cle, partie in PARTIES_DU_RAPPORT.items() if cle in rapport
           for variable, valeur in partie.contexte(rapport[cle]).items()},
    }


def en_docx(rapport: dict) -> bytes:
    from operations.documents import rendre

    return rendre("rapport_activite", contexte_docx(rapport))
