"""Les clauses d'insertion de la démonstration (`donnees/clauses.yaml`) : les fichiers du service clauses (heures en
CSV, orientations en classeur XLSX) fabriqués pour que le rapport 2016 redonne le « BILAN PLIE - CLAUSES INSERTION »,
puis passés par l'import réel (`participants.importation_clauses`), comme l'équipe d'animation les importerait.

Les 126 salariés participants du PLIE sont des participants de la démonstration accompagnés en 2016, choisis (graine
fixe) pour leur sexe, leur quartier et leur sortie ; douze sorties en CDI du tirage des participants deviennent des
sorties en contrat de professionnalisation (leur étape de preuve, un CDI, devient un contrat de professionnalisation :
un contrat de droit commun, le critère de sortie est le même) — les catégories de sorties du rapport n'en changent pas.
"""
import csv
import io
import random
from datetime import date, timedelta

from participants.criteres import preuve_de_sortie
from participants.importation_clauses import analyser, importer
from participants.models import Etape, MotifSortie, Participant, PropositionSortie, TypeEtape

from .acteurs import plie_de_la_demo
from .lecture import lire

_C = lire("clauses")
AN = (date(2016, 1, 1), date(2016, 12, 31))
BTP, SERVICES = "BTP", "SERVICES"


def _sac(comptes: dict, hasard: random.Random) -> list:
    sac = [cle for cle, n in comptes.items() for _ in range(n)]
    hasard.shuffle(sac)
    return sac


def _repartir(total: int, poids: list[float]) -> list[int]:
    """`total` en parts entières proportionnelles à `poids` (au plus fort reste)."""
    bruts = [total * p / sum(poids) for p in poids]
    parts = [int(b) for b in bruts]
    for rang in sorted(range(len(poids)), key=lambda i: bruts[i] - parts[i], reverse=True)[:total - sum(parts)]:
        parts[rang] += 1
    return parts


# --- Les 126 participants salariés du dispositif et leurs 39 sorties positives ---

def _choisir(pool: list[dict], quartier, hasard, *, besoins: dict | None = None, femme: bool | None = None):
    """Un participant du `pool` (retiré) du quartier voulu ; pour une sortie, d'un motif encore à pourvoir."""
    candidats = [p for p in pool if p["qpv"] == quartier and (femme is None or (p["sexe"] == "F") == femme)
                 and (besoins is None or besoins.get(p["motif"], 0) > 0)]
    if not candidats:
        raise LookupError(f"aucun participant à tirer dans le quartier {quartier or '(hors QPV)'}")
    choisi = hasard.choice(candidats)
    pool.remove(choisi)
    if besoins is not None:
        besoins[choisi["motif"]] -= 1
    return choisi


def _salaries_participants(hasard: random.Random) -> tuple[list[dict], list[int]]:
    """Les 126 participants (pk, sexe, qpv, sortie) et les 12 à faire sortir en contrat de professionnalisation."""
    derogations = set(PropositionSortie.objects.filter(derogation=True).values_list("participant_id", flat=True))
    accompagnes = (Participant.objects.entres().accompagnes(*AN).order_by("identifiant")
                   .values("pk", "sexe", "qpv__nom", "date_sortie", "motif_sortie__code", "motif_sortie__categorie"))
    sortis, autres = [], []
    for p in accompagnes:
        ligne = {"pk": p["pk"], "sexe": p["sexe"], "qpv": p["qpv__nom"], "motif": p["motif_sortie__code"]}
        positive = p["date_sortie"] and AN[0] <= p["date_sortie"] <= AN[1] and p["motif_sortie__categorie"]
        if positive and p["pk"] not in derogations and ligne["motif"] in _C["sorties"]:
            sortis.append(ligne)
        elif not positive:
            autres.append(ligne)
    # Les sorties : d'abord les quartiers (le plus contraint), puis hors QPV ; des hommes autant que possible (les
    # femmes du dispositif sont toutes sur les marchés de services). Un CDI peut devenir un contrat de professionnalisation.
    besoins = dict(_C["sorties"])
    besoins["CDI"] += besoins.pop("CONTRAT_PRO")
    places = _sac(_C["sorties_qpv"], hasard)
    places += [None] * (sum(_C["sorties"].values()) - len(places))
    choisis = []
    for quartier in places:
        try:
            choisis.append(_choisir(sortis, quartier, hasard, besoins=besoins, femme=False))
        except LookupError:  # un quartier où trop peu d'hommes sont sortis : une femme (sur les marchés de services)
            choisis.append(_choisir(sortis, quartier, hasard, besoins=besoins))
    cdi = [p for p in choisis if p["motif"] == "CDI"]
    hasard.shuffle(cdi)
    contrats_pro = [p["pk"] for p in cdi[:_C["sorties"]["CONTRAT_PRO"]]]
    # Les autres salariés participants : le reste des quartiers, et les femmes.
    restant = dict(_C["participants_qpv"])
    for p in choisis:
        if p["qpv"]:
            restant[p["qpv"]] -= 1
    nombre = sum(_C["participants"].values()) - len(choisis)
    quartiers_restants = _sac(restant, hasard)
    places = quartiers_restants + [None] * (nombre - len(quartiers_restants))
    hasard.shuffle(places)
    femmes = _C["participants"]["femmes_services"] - sum(p["sexe"] == "F" for p in choisis)
    for rang, quartier in enumerate(places):
        choisis.append(_choisir(autres, quartier, hasard, femme=rang < femmes))
    return choisis, contrats_pro


def _sortir_en_contrat_pro(pks: list[int]):
    """Ces sorties en CDI deviennent des sorties en contrat de professionnalisation, prouvées de même."""
    motif = MotifSortie.objects.get(code="CONTRAT_PRO")
    type_ = TypeEtape.objects.get(code="CONTRAT_PRO")
    for participant in Participant.objects.filter(pk__in=pks):
        preuve = preuve_de_sortie(participant, "CDI", participant.date_sortie)
        assert preuve.remplie, participant.identifiant
        for etape in preuve.etapes:
            Etape.objects.filter(participant=participant, type__code="CDI", date_debut=etape.debut).update(type=type_)
    Participant.objects.filter(pk__in=pks).update(motif_sortie=motif)


# --- Les heures : 135 salariés, un contrat chacun, sur un ou deux secteurs ---

def _salaries(participants: list[dict], contrats_pro: list[int], hasard: random.Random) -> list[dict]:
    secteurs = {"hommes_btp": [BTP], "hommes_services": [SERVICES], "hommes_deux": [BTP, SERVICES]}
    hommes = [p for p in participants if p["sexe"] == "H"]
    hasard.shuffle(hommes)
    salaries, rang = [], 0
    for cle, liste in secteurs.items():
        for p in hommes[rang:rang + _C["participants"][cle]]:
            salaries.append({**p, "secteurs": liste})
        rang += _C["participants"][cle]
    salaries += [{**p, "secteurs": [SERVICES]} for p in participants if p["sexe"] == "F"]
    for secteur, n in _C["autres_salaries"].items():
        salaries += [{"pk": None, "sexe": "H", "qpv": None, "motif": None, "secteurs": [secteur]} for _ in range(n)]
    # Les contrats : les sortis en contrat de professionnalisation en avaient un, les sortis en CDI aussi.
    contrats = {c: n for c, (_, n) in _C["contrats"].items()}
    for s in salaries:
        s["contrat"] = None
        if s["pk"] in contrats_pro:
            s["contrat"] = "C_PRO"
        elif s["motif"] == "CDI" and s["pk"] not in contrats_pro:
            s["contrat"] = "CDI"
        if s["contrat"]:
            contrats[s["contrat"]] -= 1
    sac = _sac(contrats, hasard)
    for s in salaries:
        s["contrat"] = s["contrat"] or sac.pop()
    hasard.shuffle(salaries)
    for numero, s in enumerate(salaries, start=1):
        s["salarie"] = f"SAL-{numero:04d}"
    return salaries


def _cellules(salaries: list[dict]) -> dict[tuple[str, str], int]:
    """Les heures de chaque (contrat, secteur) : les totaux par contrat et par secteur du rapport (ajustement
    proportionnel itératif à partir du nombre de salariés de chaque case, puis arrondi qui garde les totaux)."""
    heures_contrat = {c: h for c, (h, _) in _C["contrats"].items()}
    cases = {(c, s): sum(1 for x in salaries if x["contrat"] == c and s in x["secteurs"])
             for c in heures_contrat for s in (BTP, SERVICES)}
    valeurs = {k: float(n) for k, n in cases.items()}
    for _ in range(200):
        for c, h in heures_contrat.items():
            somme = valeurs[(c, BTP)] + valeurs[(c, SERVICES)]
            for s in (BTP, SERVICES):
                valeurs[(c, s)] *= h / somme
        for s, h in _C["secteurs"].items():
            somme = sum(valeurs[(c, s)] for c in heures_contrat)
            for c in heures_contrat:
                valeurs[(c, s)] *= h / somme
    entiers = {}
    for c, h in heures_contrat.items():
        entiers[(c, BTP)] = round(valeurs[(c, BTP)])
        entiers[(c, SERVICES)] = h - entiers[(c, BTP)]
    ecart = _C["secteurs"][BTP] - sum(entiers[(c, BTP)] for c in heures_contrat)
    entiers[("CTTI", BTP)] += ecart
    entiers[("CTTI", SERVICES)] -= ecart
    return entiers


def _mois(hasard: random.Random, annee: int, dernier: int) -> list[date]:
    debut = hasard.randint(1, dernier)
    fin = hasard.randint(debut, dernier)
    return [date(annee, m, 1) for m in range(debut, fin + 1)]


def _lignes_d_heures(salaries: list[dict], hasard: random.Random, identifiants: dict[int, str]) -> list[list]:
    lignes = []
    parts = {}  # (salarié, secteur) -> heures de l'année
    for (contrat, secteur), heures in _cellules(salaries).items():
        membres = [s for s in salaries if s["contrat"] == contrat and secteur in s["secteurs"]]
        if membres:
            for s, h in zip(membres, _repartir(heures, [hasard.uniform(0.5, 1.5) for _ in membres])):
                parts[(s["salarie"], secteur)] = h
    for s in salaries:
        for secteur in s["secteurs"]:
            marche, entreprise = hasard.choice(_C["marches"][secteur])
            employeur = hasard.choice(_C["employeurs"].get(s["contrat"], [entreprise]))
            mois = _mois(hasard, 2016, 12)
            for m, h in zip(mois, _repartir(parts[(s["salarie"], secteur)], [1] * len(mois))):
                lignes.append([s["salarie"], identifiants.get(s["pk"], ""), s["sexe"], s["qpv"] or "", employeur,
                               marche, secteur, s["contrat"], m.strftime("%Y-%m") if len(lignes) % 3 else m.strftime("%m/%Y"),
                               h])
            s.setdefault("marches", []).append((marche, employeur, secteur))
    return lignes


def _premier_semestre_2017(salaries: list[dict], hasard: random.Random, identifiants: dict[int, str]) -> list[list]:
    cadre = _C["premier_semestre_2017"]
    poursuivent = hasard.sample(salaries, cadre["salaries"])
    lignes = []
    for s, heures in zip(poursuivent, _repartir(cadre["heures"], [hasard.uniform(0.5, 1.5) for _ in poursuivent])):
        marche, employeur, secteur = s["marches"][0]
        mois = _mois(hasard, 2017, 6)
        for m, h in zip(mois, _repartir(heures, [1] * len(mois))):
            lignes.append([s["salarie"], identifiants.get(s["pk"], ""), s["sexe"], s["qpv"] or "", employeur, marche,
                           secteur, s["contrat"], m.strftime("%Y-%m"), h])
    return lignes


# --- Les orientations ---

def _orientations(hasard: random.Random, participants: list[dict], identifiants: dict[int, str]) -> list[list]:
    o, v = _C["orientations"], _C["valides"]
    nombre = o["plie"]["total"] + sum(o["prescripteurs"].values())
    qpv_total = o["plie"]["qpv"] + o["autres_qpv"]
    valides_2016 = v["BTP"] + v["SERVICES"]
    qpv_valides = v["qpv"]  # les deux orientés en 2015 n'habitent pas un QPV
    # Les lignes : (QPV ?, validée ?) aux comptes voulus, puis chaque attribut tiré dans son groupe.
    lignes = ([(True, True)] * qpv_valides + [(True, False)] * (qpv_total - qpv_valides)
              + [(False, True)] * (valides_2016 - qpv_valides)
              + [(False, False)] * (nombre - qpv_total - valides_2016 + qpv_valides))
    origines = {True: _sac({"PLIE": o["plie"]["qpv"], "AUTRE": o["autres_qpv"]}, hasard),
                False: _sac({"PLIE": o["plie"]["total"] - o["plie"]["qpv"],
                             "AUTRE": sum(o["prescripteurs"].values()) - o["autres_qpv"]}, hasard)}
    secteurs = {True: _sac({BTP: v["BTP"], SERVICES: v["SERVICES"]}, hasard),
                False: _sac({BTP: o["secteurs"][BTP] - v["BTP"], SERVICES: o["secteurs"][SERVICES] - v["SERVICES"]}, hasard)}
    quartiers, prescripteurs = _sac(o["quartiers"], hasard), _sac(o["prescripteurs"], hasard)
    # Les orientations des référents vers le dispositif : des participants salariés, du même quartier, s'il en reste.
    libres = {}
    for p in participants:
        libres.setdefault(p["qpv"], []).append(identifiants[p["pk"]])
    rangees = []
    for numero, (qpv, validee) in enumerate(lignes, start=1):
        origine = origines[qpv].pop()
        quartier = quartiers.pop() if qpv else ""
        jour = date(2016, 1, 4) + timedelta(days=hasard.randint(0, 320 if validee else 361))
        validation = jour + timedelta(days=hasard.randint(5, 35)) if validee else ""
        identifiant = libres.get(quartier or None, [None]).pop() if origine == "PLIE" and libres.get(quartier or None) else ""
        rangees.append([f"CAND-2016-{numero:03d}", identifiant or "", jour, "PLIE" if origine == "PLIE" else prescripteurs.pop(),
                        quartier, secteurs[validee].pop(), validation])
    for numero in range(1, v["orientes_en_2015_les_deux"] + 1):
        rangees.append([f"CAND-2015-{numero:03d}", "", date(2015, 12, 7 + numero), "POLE_EMPLOI", "", "LES_DEUX",
                        date(2016, 1, 11 + numero)])
    codes = ["PLIE", "EUREKA_INTERIM", "IDEES_INTERIM", "POLE_EMPLOI", "ARIQ_BTP"]
    for numero in range(1, _C["premier_semestre_2017"]["orientations"] + 1):
        jour = date(2017, 1, 9) + timedelta(days=hasard.randint(0, 150))
        rangees.append([f"CAND-2017-{numero:03d}", "", jour, codes[numero % len(codes)], "",
                        [BTP, SERVICES, "LES_DEUX"][numero % 3], jour + timedelta(days=20) if numero % 2 else ""])
    return rangees


# --- Les fichiers, et leur import ---

ENTETES_HEURES = ["salarie", "identifiant_participant", "sexe", "qpv", "employeur", "marche", "secteur", "contrat",
                  "mois", "heures"]
ENTETES_ORIENTATIONS = ["candidat", "identifiant_participant", "date", "prescripteur", "qpv", "secteur",
                        "date_validation"]


def fichiers() -> tuple[tuple[str, bytes], tuple[str, bytes], list[int]]:
    """Les deux fichiers du service clauses (CSV des heures, classeur des orientations) et les sorties à requalifier
    en contrat de professionnalisation. À appeler sur la démonstration chargée (participants tirés)."""
    import openpyxl

    hasard = random.Random(_C["graine"])
    participants, contrats_pro = _salaries_participants(hasard)
    identifiants = dict(Participant.objects.filter(pk__in=[p["pk"] for p in participants])
                        .values_list("pk", "identifiant"))
    salaries = _salaries(participants, contrats_pro, hasard)
    heures = _lignes_d_heures(salaries, hasard, identifiants) + _premier_semestre_2017(salaries, hasard, identifiants)
    texte = io.StringIO()
    ecrivain = csv.writer(texte, delimiter=";")
    ecrivain.writerows([ENTETES_HEURES, *heures])
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "Orientations"
    for rang in [ENTETES_ORIENTATIONS, *_orientations(hasard, participants, identifiants)]:
        feuille.append(rang)
    contenu = io.BytesIO()
    classeur.save(contenu)
    return (("heures-clauses.csv", texte.getvalue().encode("utf-8-sig")),
            ("orientations-clauses.xlsx", contenu.getvalue()), contrats_pro)


def charger_clauses() -> dict:
    fichier_heures, fichier_orientations, contrats_pro = fichiers()
    _sortir_en_contrat_pro(contrats_pro)
    trace = importer(analyser(fichier_heures, fichier_orientations, plie=plie_de_la_demo()))
    return {"heures": trace.heures_creees, "orientations": trace.orientations_creees}
