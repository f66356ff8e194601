"""La partie « clauses d'insertion » du rapport d'activité (clé `clauses` du JSON ; docs/clauses.md) : heures,
orientations, candidats validés, participants du PLIE salariés du dispositif et leurs sorties positives.

Chaque tableau est une agrégation en base ; Python ne parcourt que des lignes déjà regroupées (une par participant ou
par candidat au plus).
"""
import copy
import functools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, Sum, Value, When

from annuaire.models import Plie
from annuaire.plies import des_plie

from .models import Participant
from .models_clauses import PRESCRIPTEUR_PLIE, HeuresClause, OrientationClause
from .options import ContratClause, Secteur, SecteurOrientation

SECTEURS = [Secteur.BTP.value, Secteur.SERVICES.value]


def _nombre(heures: Decimal | None):
    """Des heures pour le JSON : un entier quand elles sont rondes (le cas courant), sinon deux décimales."""
    heures = heures or Decimal(0)
    return int(heures) if heures == heures.to_integral_value() else float(heures.quantize(Decimal("0.01")))


def _part(n: int, total: int) -> float:
    return float((Decimal(n) / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)) if total else 0.0


def _qpv(table: dict) -> dict:
    return {"total": sum(table.values()), "par_quartier": dict(sorted(table.items()))}


def heures_de_la_periode(debut: date, fin: date, plies=None):
    """Les lignes d'heures dont le mois tombe dans la période (le mois du début compte, même entamé)."""
    return des_plie(HeuresClause.objects.filter(mois__gte=date(debut.year, debut.month, 1), mois__lte=fin), plies)


def _heures(lignes) -> dict:
    """Heures et salariés distincts, au total, par secteur et par type de contrat : une requête, un agrégat filtré
    (`FILTER`) par chiffre."""
    chiffres = lignes.aggregate(
        total=Sum("heures"), salaries=Count("salarie", distinct=True),
        **{f"secteur_{s}": Sum("heures", filter=Q(secteur=s)) for s in SECTEURS},
        **{f"heures_{c}": Sum("heures", filter=Q(contrat=c)) for c in ContratClause.values},
        **{f"salaries_{c}": Count("salarie", distinct=True, filter=Q(contrat=c)) for c in ContratClause.values})
    return {
        "total": _nombre(chiffres["total"]),
        "par_secteur": {s: _nombre(chiffres[f"secteur_{s}"]) for s in SECTEURS},
        # Un contrat sans ligne sur la période n'a pas de clé (ses heures sont NULL ; une ligne à 0 heure en a une).
        "par_contrat": {c: {"heures": _nombre(chiffres[f"heures_{c}"]), "salaries": chiffres[f"salaries_{c}"]}
                        for c in ContratClause.values if chiffres[f"salaries_{c}"]},
        "salaries": chiffres["salaries"],
    }


def _dans_les_secteurs(champ: str = "secteur") -> dict:
    """Les filtres qui comptent une orientation dans chaque secteur : « les deux » compte dans l'un et l'autre."""
    return {s: Q(**{f"{champ}__in": [s, SecteurOrientation.LES_DEUX]}) for s in SECTEURS}


def _orientations(orientations) -> dict:
    """Les orientations regroupées en une requête par prescripteur, quartier et secteur (quelques centaines de groupes
    au plus), sommées ensuite : par origine (les référents du PLIE ou un autre prescripteur), dont QPV, par secteur,
    par prescripteur et par quartier."""
    resultat = {"total": 0, "par_origine": {o: {"total": 0, "qpv": 0} for o in ("PLIE", "AUTRE")},
                "par_secteur": dict.fromkeys(SECTEURS, 0), "par_prescripteur": {}, "qpv_par_quartier": {}}
    prescripteurs, quartiers = {}, {}
    for code, ordre, quartier, secteur, n in (orientations.values_list("prescripteur__code", "prescripteur__ordre",
                                                                       "qpv__nom", "secteur")
                                              .annotate(n=Count("*")).order_by()):
        origine = resultat["par_origine"]["PLIE" if code == PRESCRIPTEUR_PLIE else "AUTRE"]
        resultat["total"] += n
        origine["total"] += n
        if quartier is not None:
            origine["qpv"] += n
            quartiers[quartier] = quartiers.get(quartier, 0) + n
        for s in SECTEURS:
            resultat["par_secteur"][s] += n if secteur in (s, SecteurOrientation.LES_DEUX) else 0
        if code != PRESCRIPTEUR_PLIE:
            prescripteurs[ordre, code] = prescripteurs.get((ordre, code), 0) + n
    resultat["par_prescripteur"] = {code: n for (_, code), n in sorted(prescripteurs.items())}
    resultat["qpv_par_quartier"] = dict(sorted(quartiers.items()))
    return resultat


def _un_si(condition: Q):
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _candidats_valides(orientations) -> dict:
    """Un candidat validé compte une fois, dans chaque secteur d'une de ses orientations validées sur la période."""
    candidats = (orientations.values("candidat")
                 .annotate(qpv=_un_si(Q(qpv__isnull=False)),
                           **{s: _un_si(q) for s, q in _dans_les_secteurs().items()}).order_by())
    total, avec_qpv, secteurs = 0, 0, dict.fromkeys(SECTEURS, 0)
    for c in candidats:
        total, avec_qpv = total + 1, avec_qpv + c["qpv"]
        for s in SECTEURS:
            secteurs[s] += c[s]
    return {"total": total, "par_secteur": secteurs, "part_qpv": _part(avec_qpv, total)}


def _participants(debut: date, fin: date, lignes, plies=None) -> tuple[dict, dict]:
    """Les participants accompagnés sur la période qui ont des heures sur la période, par sexe, par secteur (ceux des
    heures) et par quartier ; et, parmi eux, les sorties positives datées de la période."""
    accompagnes = des_plie(Participant.objects.entres().accompagnes(debut, fin), plies)
    salaries = (lignes.filter(participant__in=accompagnes).values(
        "participant", "participant__sexe", "participant__qpv__nom", "participant__date_sortie",
        "participant__motif_sortie__code", "participant__motif_sortie__categorie")
        .annotate(**{s: _un_si(Q(secteur=s)) for s in SECTEURS}).order_by())
    par_sexe = {"H": 0, "F": 0}
    par_secteur = {s: {"total": 0, "F": 0} for s in SECTEURS}
    quartiers, motifs, quartiers_sortis = {}, {}, {}
    for p in salaries:
        sexe, quartier = p["participant__sexe"], p["participant__qpv__nom"]
        par_sexe[sexe] += 1
        for s in SECTEURS:
            if p[s]:
                par_secteur[s]["total"] += 1
                par_secteur[s]["F"] += sexe == "F"
        if quartier:
            quartiers[quartier] = quartiers.get(quartier, 0) + 1
        sortie = p["participant__date_sortie"]
        if sortie and debut <= sortie <= fin and p["participant__motif_sortie__categorie"]:
            motif = p["participant__motif_sortie__code"]
            motifs[motif] = motifs.get(motif, 0) + 1
            if quartier:
                quartiers_sortis[quartier] = quartiers_sortis.get(quartier, 0) + 1
    participants = {"total": sum(par_sexe.values()), "par_sexe": par_sexe, "par_secteur": par_secteur,
                    "qpv": _qpv(quartiers)}
    sorties = {"total": sum(motifs.values()), "par_motif": motifs, "qpv": _qpv(quartiers_sortis)}
    return participants, sorties


def _sans_clauses(plies) -> bool:
    """Ces PLIE n'ont-ils aucune donnée de clauses, à aucune date (la plupart n'accompagnent pas de clauses) ?"""
    return not Plie.objects.filter(Q(Exists(HeuresClause.objects.filter(plie=OuterRef("pk"))))
                                   | Q(Exists(OrientationClause.objects.filter(plie=OuterRef("pk")))),
                                   pk__in=plies).exists()


def chiffres_clauses(debut: date, fin: date, plies=None) -> dict:
    """Les chiffres des clauses des PLIE `plies` (None : toute l'installation). Des PLIE sans aucune donnée de clauses
    : les chiffres des ensembles vides, sans autre requête que celle qui le constate."""
    if plies is not None and _sans_clauses(plies):
        return copy.deepcopy(_chiffres_sans_clauses())
    return _chiffres(debut, fin, heures_de_la_periode(debut, fin, plies), des_plie(OrientationClause.objects.all(), plies),
                     plies)


@functools.cache
def _chiffres_sans_clauses() -> dict:
    """Les mêmes calculs sur des ensembles vides (l'ORM n'interroge pas la base pour `none()`), une fois par processus."""
    return _chiffres(date.min, date.max, HeuresClause.objects.none(), OrientationClause.objects.none(), None)


def _chiffres(debut: date, fin: date, lignes, orientations, plies) -> dict:
    participants, sorties = _participants(debut, fin, lignes, plies)
    return {
        "heures": _heures(lignes),
        "orientations": _orientations(orientations.filter(date__range=(debut, fin))),
        "candidats_valides": _candidats_valides(orientations.filter(date_validation__range=(debut, fin))),
        "participants_plie": participants,
        "sorties_positives": sorties,
    }


def a_des_clauses(clauses: dict) -> bool:
    """La période a-t-elle des données de clauses (sinon la section du rapport est absente) ?"""
    return bool(clauses["heures"]["salaries"] or clauses["orientations"]["total"] or clauses["candidats_valides"]["total"])


# --- Les mêmes chiffres en tableaux, avec leurs libellés (page, Word et classeur disent les mêmes mots) ---

def _lignes(table: dict, libelles: dict | None = None) -> list[dict]:
    return [{"libelle": (libelles or {}).get(cle, cle), "nombre": n} for cle, n in table.items()]


def tableaux_clauses(clauses: dict) -> dict | None:
    """Les tableaux du rapport papier (BILAN PLIE - CLAUSES INSERTION) ; None quand la période n'a aucune donnée."""
    if not a_des_clauses(clauses):
        return None
    from annuaire.models import Prescripteur

    from .models import MotifSortie

    prescripteurs = dict(Prescripteur.objects.values_list("code", "libelle"))
    motifs = dict(MotifSortie.objects.values_list("code", "libelle"))
    h, o, v = clauses["heures"], clauses["orientations"], clauses["candidats_valides"]
    p, s = clauses["participants_plie"], clauses["sorties_positives"]
    contrats = dict(ContratClause.choices)
    return {
        "heures": {"total": h["total"], "btp": h["par_secteur"]["BTP"], "services": h["par_secteur"]["SERVICES"],
                   "salaries": h["salaries"]},
        "contrats": [{"libelle": contrats[c], "heures": d["heures"], "salaries": d["salaries"]}
                     for c, d in h["par_contrat"].items()],
        "orientations": {"total": o["total"], "plie": o["par_origine"]["PLIE"]["total"],
                         "plie_qpv": o["par_origine"]["PLIE"]["qpv"], "autre": o["par_origine"]["AUTRE"]["total"],
                         "autre_qpv": o["par_origine"]["AUTRE"]["qpv"], "btp": o["par_secteur"]["BTP"],
                         "services": o["par_secteur"]["SERVICES"], "qpv": sum(o["qpv_par_quartier"].values())},
        "prescripteurs": _lignes(o["par_prescripteur"], prescripteurs),
        "quartiers_orientations": _lignes(o["qpv_par_quartier"]),
        "valides": {"total": v["total"], "btp": v["par_secteur"]["BTP"], "services": v["par_secteur"]["SERVICES"],
                    "part_qpv": Decimal(str(v["part_qpv"]))},
        "participants": {"total": p["total"], "hommes": p["par_sexe"]["H"], "femmes": p["par_sexe"]["F"],
                         "btp": p["par_secteur"]["BTP"]["total"], "btp_femmes": p["par_secteur"]["BTP"]["F"],
                         "services": p["par_secteur"]["SERVICES"]["total"],
                         "services_femmes": p["par_secteur"]["SERVICES"]["F"], "qpv": p["qpv"]["total"],
                         "part_qpv": Decimal(str(_part(p["qpv"]["total"], p["total"])))},
        "quartiers_participants": _lignes(p["qpv"]["par_quartier"]),
        "sorties": {"total": s["total"], "qpv": s["qpv"]["total"],
                    "part_qpv": Decimal(str(_part(s["qpv"]["total"], s["total"])))},
        "motifs": _lignes({m: s["par_motif"][m] for m in sorted(s["par_motif"], key=list(motifs).index)}, motifs),
        "quartiers_sorties": _lignes(s["qpv"]["par_quartier"]),
    }


def graphique_clauses(tableaux: dict) -> bytes:
    """Les heures par type de contrat, en barres (le Word et la page)."""
    from .graphiques import barres

    return barres("Heures réalisées par type de contrat", [c["libelle"] for c in tableaux["contrats"]],
                  [c["heures"] for c in tableaux["contrats"]])


def lignes_du_classeur(tableaux: dict) -> list[tuple[str, str, object]]:
    """La feuille « Clauses d'insertion » : (rubrique, détail, valeur), rien que des libellés."""
    h, o, v, p, s = (tableaux[k] for k in ("heures", "orientations", "valides", "participants", "sorties"))
    lignes = [("Heures réalisées", "Total", h["total"]), ("Heures réalisées", "Marchés BTP", h["btp"]),
              ("Heures réalisées", "Marchés de services", h["services"]), ("Salariés", "Total", h["salaries"])]
    for c in tableaux["contrats"]:
        lignes += [("Heures par type de contrat", c["libelle"], c["heures"]),
                   ("Salariés par type de contrat", c["libelle"], c["salaries"])]
    lignes += [("Orientations", "Total", o["total"]), ("Orientations", "Par les référents du PLIE", o["plie"]),
               ("Orientations", "Par les référents du PLIE, dont QPV", o["plie_qpv"]),
               ("Orientations", "Par d'autres prescripteurs", o["autre"]),
               ("Orientations", "Par d'autres prescripteurs, dont QPV", o["autre_qpv"]),
               ("Orientations", "Secteur BTP", o["btp"]), ("Orientations", "Secteur des services", o["services"])]
    lignes += [("Orientations par prescripteur", x["libelle"], x["nombre"]) for x in tableaux["prescripteurs"]]
    lignes += [("Orientations par quartier prioritaire", x["libelle"], x["nombre"])
               for x in tableaux["quartiers_orientations"]]
    lignes += [("Candidats validés", "Total", v["total"]), ("Candidats validés", "Secteur BTP", v["btp"]),
               ("Candidats validés", "Secteur des services", v["services"]),
               ("Candidats validés", "Part issue d'un QPV", v["part_qpv"])]
    lignes += [("Participants du PLIE salariés", "Total", p["total"]), ("Participants du PLIE salariés", "Hommes", p["hommes"]),
               ("Participants du PLIE salariés", "Femmes", p["femmes"]),
               ("Participants du PLIE salariés", "Marchés BTP", p["btp"]),
               ("Participants du PLIE salariés", "Marchés BTP, dont femmes", p["btp_femmes"]),
               ("Participants du PLIE salariés", "Marchés de services", p["services"]),
               ("Participants du PLIE salariés", "Marchés de services, dont femmes", p["services_femmes"]),
               ("Participants du PLIE salariés", "Issus d'un QPV", p["qpv"])]
    lignes += [("Participants du PLIE salariés par quartier", x["libelle"], x["nombre"])
               for x in tableaux["quartiers_participants"]]
    lignes += [("Sorties positives", "Total", s["total"]), ("Sorties positives", "Issues d'un QPV", s["qpv"])]
    lignes += [("Sorties positives par motif", x["libelle"], x["nombre"]) for x in tableaux["motifs"]]
    lignes += [("Sorties positives par quartier", x["libelle"], x["nombre"]) for x in tableaux["quartiers_sorties"]]
    return lignes
