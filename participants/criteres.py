"""Les critères de sortie positive, appliqués aux étapes d'un participant : lesquels sont déjà remplis, par quelles
étapes, depuis quand. Les critères sont des données (referentiel/criteres_sortie.json), pas du code.

Modes : `duree_continue` — une étape d'un des types dure au moins `jours` (en cours : jusqu'à la date de calcul) ;
`cumul_12_mois` — les étapes des types, additionnées sur une fenêtre de 365 jours, atteignent `jours` ;
`presence` — une étape d'un des types a commencé. `age_min` : âge au moment où le critère est rempli.
"""
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

FICHIER = Path(__file__).resolve().parent / "referentiel" / "criteres_sortie.json"
FENETRE = 365


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
class EtapeLue:
    """Ce que les critères lisent d'une étape (une Etape, ou une étape de test)."""

    type: str
    debut: date
    fin: date | None


@dataclass(frozen=True)
class Verdict:
    critere: Critere
    rempli_le: date  # le jour où le critère est rempli
    etapes: tuple[EtapeLue, ...]  # les étapes qui le remplissent


@cache
def criteres() -> tuple[Critere, ...]:
    donnees = json.loads(FICHIER.read_text(encoding="utf-8"))["criteres"]
    return tuple(Critere(**{**c, "types": tuple(c["types"])}) for c in donnees)


def _jours(etape: EtapeLue, au: date) -> int:
    """Jours couverts par l'étape jusqu'à `au` inclus (0 si elle commence après)."""
    fin = min(etape.fin or au, au)
    return max(0, (fin - etape.debut).days + 1)


def _age(naissance: date, le: date) -> int:
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
        if critere.age_min is not None and _age(naissance, jour) < critere.age_min:
            continue
        resultat.append(Verdict(critere, jour, utiles))
    return resultat


def verdicts_du_participant(participant, au: date | None = None) -> list[Verdict]:
    au = au or date.today()
    etapes = [EtapeLue(e.type.code, e.date_debut, e.date_fin) for e in participant.etapes.select_related("type")]
    return verdicts(etapes, participant.date_naissance, au)
