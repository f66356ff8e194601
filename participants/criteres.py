"""Les critères de sortie positive, appliqués aux étapes d'un participant : lesquels sont déjà remplis, par quelles
étapes, depuis quand. Les critères sont des données (referentiel/criteres_sortie.json), pas du code ; chaque motif de
sortie positive a le critère qui le définit (même code), qui prouve la sortie.

Un critère mal écrit est refusé au chargement, en le nommant : mode inconnu ou champ manquant dès la lecture du
fichier ; type d'étape ou motif absent des référentiels en base au premier usage, et par `manage.py check --database
default` (participants/checks.py).

Modes : `duree_continue` — une étape d'un des types dure au moins `jours` (en cours : jusqu'à la date de calcul) ;
`cumul_12_mois` — les étapes des types, additionnées sur une fenêtre de 365 jours, atteignent `jours` ;
`presence` — une étape d'un des types a commencé. `age_min` : âge au moment où le critère est rempli.
"""
import json
from dataclasses import MISSING, dataclass, fields
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from .models import MotifSortie, TypeEtape
from .preuves import EtapeLue, Preuve

FICHIER = Path(__file__).resolve().parent / "referentiel" / "criteres_sortie.json"
FENETRE = 365
MODES = ("duree_continue", "cumul_12_mois", "presence")


class CriteresInvalides(Exception):
    """Le fichier des critères ne peut pas servir : chaque erreur nomme le critère et ce qui ne va pas."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("Critères de sortie positive refusés : " + " ; ".join(erreurs))


@dataclass(frozen=True)
class Critere:
    motif: str
    libelle: str
    types: tuple[str, ...]
    mode: str
    jours: int
    age_min: int | None = None
    commission: bool = False


@dataclass(frozen=True)
class Verdict:
    critere: Critere
    rempli_le: date  # le jour où le critère est rempli
    etapes: tuple[EtapeLue, ...]  # les étapes qui le remplissent


CHAMPS = {f.name for f in fields(Critere)}
OBLIGATOIRES = {f.name for f in fields(Critere) if f.default is MISSING}


def lire(donnees: list[dict]) -> tuple[Critere, ...]:
    """Les critères du fichier, ou CriteresInvalides avec toutes les erreurs (chaque critère nommé par son motif)."""
    erreurs, lus, vus = [], [], set()
    for rang, c in enumerate(donnees, start=1):
        nom = f"Critère « {c.get('motif') or rang} »"
        manquants, inconnus = sorted(OBLIGATOIRES - set(c)), sorted(set(c) - CHAMPS)
        erreurs += [f"{nom} : champ « {champ} » manquant" for champ in manquants]
        erreurs += [f"{nom} : champ « {champ} » inconnu (champs : {', '.join(sorted(CHAMPS))})" for champ in inconnus]
        if manquants or inconnus:
            continue
        avant = len(erreurs)
        if c["mode"] not in MODES:
            erreurs.append(f"{nom} : mode « {c['mode']} » inconnu (modes : {', '.join(MODES)})")
        if not isinstance(c["types"], list) or not c["types"] or not all(isinstance(t, str) for t in c["types"]):
            erreurs.append(f"{nom} : « types » doit être une liste non vide de codes de type d'étape")
        if not isinstance(c["jours"], int) or c["jours"] < 0:
            erreurs.append(f"{nom} : « jours » doit être un nombre entier de jours, positif ou nul")
        if c["motif"] in vus:
            erreurs.append(f"{nom} : un autre critère définit déjà ce motif")
        vus.add(c["motif"])
        if len(erreurs) == avant:
            lus.append(Critere(**{**c, "types": tuple(c["types"])}))
    if erreurs:
        raise CriteresInvalides(erreurs)
    return tuple(lus)


@cache
def criteres() -> tuple[Critere, ...]:
    return lire(json.loads(FICHIER.read_text(encoding="utf-8"))["criteres"])


def verifier(liste: tuple[Critere, ...], types: set[str], motifs: dict[str, tuple[str, bool]]) -> list[str]:
    """Les critères confrontés aux référentiels : codes des types d'étape, et motifs (code -> (libellé, positif)).
    Un critère définit un motif positif connu ; chaque motif positif a son critère."""
    erreurs = []
    for critere in liste:
        nom = f"Critère « {critere.motif} »"
        erreurs += [f"{nom} : type d'étape « {t} » inconnu (types : {', '.join(sorted(types))})"
                    for t in critere.types if t not in types]
        if critere.motif not in motifs:
            positifs = sorted(code for code, (_, positif) in motifs.items() if positif)
            erreurs.append(f"{nom} : motif de sortie « {critere.motif} » inconnu (motifs positifs : {', '.join(positifs)})")
        elif not motifs[critere.motif][1]:
            erreurs.append(f"{nom} : le motif « {motifs[critere.motif][0]} » n'est pas une sortie positive")
    definis = {c.motif for c in liste}
    erreurs += [f"Motif de sortie positive « {libelle} » ({code}) : aucun critère ne le définit"
                for code, (libelle, positif) in motifs.items() if positif and code not in definis]
    return erreurs


def verifier_en_base(liste: tuple[Critere, ...] | None = None, using: str = "default") -> list[str]:
    motifs = {m.code: (m.libelle, m.positive) for m in MotifSortie.objects.using(using)}
    types = set(TypeEtape.objects.using(using).values_list("code", flat=True))
    return verifier(criteres() if liste is None else liste, types, motifs)


@cache
def _verifies_en_base() -> bool:
    """Au premier usage qui lit la base (une fois par processus, tant que la vérification réussit)."""
    erreurs = verifier_en_base()
    if erreurs:
        raise CriteresInvalides(erreurs)
    return True


def critere_du_motif(code: str) -> Critere | None:
    """Le critère qui définit un motif de sortie positive (None pour une sortie qui n'est pas positive)."""
    _verifies_en_base()
    return next((c for c in criteres() if c.motif == code), None)


def _jours(etape: EtapeLue, au: date) -> int:
    """Jours couverts par l'étape jusqu'à `au` inclus (0 si elle commence après)."""
    fin = min(etape.fin or au, au)
    return max(0, (fin - etape.debut).days + 1)


def age_le(naissance: date, le: date) -> int:
    """L'âge en années révolues au jour `le`."""
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


def _rempli_le(critere: Critere, etapes: list[EtapeLue], au: date) -> tuple[date, tuple] | None:
    if critere.mode == "presence":
        debut = [e for e in etapes if e.debut <= au]
        return (min(e.debut for e in debut), tuple(debut)) if debut else None
    if critere.mode == "duree_continue":
        dates = [(e.debut + timedelta(days=critere.jours - 1), e) for e in etapes if _jours(e, au) >= critere.jours]
        if not dates:
            return None
        jour, etape = min(dates, key=lambda d: d[0])
        return jour, (etape,)
    # cumul_12_mois : le premier jour J où les jours couverts dans [J - 364, J] atteignent le seuil (fenêtre glissante).
    if sum(_jours(e, au) for e in etapes) < critere.jours:
        return None  # même sans aucun chevauchement, trop peu de jours couverts : inutile de les énumérer
    couverts = sorted({e.debut + timedelta(days=n) for e in etapes for n in range(_jours(e, au))})
    premier = 0
    for rang, jour in enumerate(couverts):
        while couverts[premier] < jour - timedelta(days=FENETRE - 1):
            premier += 1
        if rang - premier + 1 >= critere.jours:
            debut_fenetre = jour - timedelta(days=FENETRE - 1)
            return jour, tuple(e for e in etapes if e.debut <= jour and (e.fin or au) >= debut_fenetre)
    return None


def verdicts(etapes: list[EtapeLue], naissance: date, au: date) -> list[Verdict]:
    """Les critères remplis au jour `au`, avec les étapes qui les remplissent et la date où ils l'ont été."""
    resultat = []
    for critere in criteres():
        concernees = [e for e in etapes if e.type in critere.types and e.debut <= au]
        trouve = _rempli_le(critere, concernees, au)
        if trouve is None:
            continue
        jour, utiles = trouve
        if critere.age_min is not None and age_le(naissance, jour) < critere.age_min:
            continue
        resultat.append(Verdict(critere, jour, utiles))
    return resultat


def etapes_du_participant(participant) -> list[EtapeLue]:
    return [EtapeLue(e.type.code, e.date_debut, e.date_fin, e.type.libelle) for e in participant.etapes.select_related("type")]


def verdicts_du_participant(participant, au: date | None = None) -> list[Verdict]:
    _verifies_en_base()
    return verdicts(etapes_du_participant(participant), participant.date_naissance, au or date.today())


def preuve_de_sortie(participant, motif: str, au: date) -> Preuve | None:
    """La preuve d'une sortie pour `motif` au jour `au` ; None si le motif n'a pas de critère (sortie non positive).
    Une étape en cours ne compte que jusqu'à aujourd'hui : un critère ne se prouve pas par des jours à venir."""
    critere = critere_du_motif(motif)
    if critere is None:
        return None
    au = min(au, date.today())
    etapes = etapes_du_participant(participant)
    verdict = next((v for v in verdicts(etapes, participant.date_naissance, au) if v.critere == critere), None)
    if verdict is not None:
        return Preuve(motif, critere.libelle, au, verdict.rempli_le, verdict.etapes, critere.commission)
    du_critere = tuple(sorted((e for e in etapes if e.type in critere.types and e.debut <= au), key=lambda e: e.debut))
    return Preuve(motif, critere.libelle, au, None, du_critere, critere.commission)
