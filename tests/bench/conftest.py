"""Les bancs d'essai : `make bench` (PostgreSQL : DATABASE_URL, voir .ci/run). Pas dans `make test`.

Tailles par l'environnement : BENCH_PARTICIPANTS (200 000), BENCH_ETAPES (2 000 000), BENCH_IMPORT (100 000),
BENCH_CLAUSES (1 000 000 de lignes d'heures), BENCH_PLIE (100), BENCH_MDFSE (20 000).

Chaque banc inscrit ses mesures par `cible(...)` : la valeur, la cible et la référence mesurée dans le même passage.
Un banc qui manque une cible échoue (`verifier`), et le récapitulatif de fin de session liste toutes les cibles et
celles qui sont manquées : `make bench` sort en erreur.

Chaque banc travaille dans un réseau de PLIE (`PLIE` : BENCH_PLIE, 100 à pleine taille, 3 à petite taille ;
`population.plies`) : toute donnée créée est rangée dans un PLIE, et ce qu'on mesure est ce que voit un utilisateur
d'un PLIE (le n° 1), la vue consolidée à côté quand elle existe. BENCH_PETIT=1 (`make bench-ci`, appelé par .ci/run) passe
chaque banc à petite taille : les cibles de temps n'y sont pas jugées (trop peu de lignes pour rien dire), les
vérifications d'égalité des chiffres le sont toujours.
"""
import os
import resource
from dataclasses import dataclass

import pytest
from django.conf import settings

PETIT = os.environ.get("BENCH_PETIT") == "1"


def taille(variable: str, pleine: int, petite: int) -> int:
    return int(os.environ.get(variable, petite if PETIT else pleine))


TAILLES = {
    "participants": taille("BENCH_PARTICIPANTS", 200_000, 3_000),
    "etapes": taille("BENCH_ETAPES", 2_000_000, 20_000),
    "import": taille("BENCH_IMPORT", 100_000, 2_000),
    "clauses": taille("BENCH_CLAUSES", 1_000_000, 12_000),
}
PLIE = taille("BENCH_PLIE", 100, 3)


@dataclass
class Cible:
    banc: str
    mesure: str
    valeur: str
    cible: str
    reference: str
    tenue: bool


CIBLES: list[Cible] = []


def cible(banc: str, mesure: str, valeur: str, cible: str, tenue: bool, reference: str = "") -> Cible:
    """Inscrit une mesure et sa cible (et la référence mesurée dans le même passage) au récapitulatif."""
    resultat = Cible(banc, mesure, valeur, cible, reference, bool(tenue))
    CIBLES.append(resultat)
    return resultat


def verifier(banc: str):
    """À la fin d'un banc : il échoue s'il a manqué une de ses cibles (sauf au passage à petite taille)."""
    manquees = [c for c in CIBLES if c.banc == banc and not c.tenue]
    if manquees and not PETIT:
        pytest.fail(f"{banc} : cible manquée — " + " ; ".join(f"{c.mesure} {c.valeur} (cible {c.cible})"
                                                               for c in manquees), pytrace=False)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not CIBLES:
        return
    ecrire = terminalreporter.write_line
    terminalreporter.section("Bancs d'essai : récapitulatif des cibles" + (" (petite taille : non jugées)" if PETIT else ""))
    largeurs = [max(len(getattr(c, champ)) for c in CIBLES) for champ in ("banc", "mesure", "valeur", "cible")]
    for c in CIBLES:
        etat = "—" if PETIT else ("tenue" if c.tenue else "MANQUÉE")
        ecrire(f"{c.banc:<{largeurs[0]}}  {c.mesure:<{largeurs[1]}}  {c.valeur:>{largeurs[2]}}  "
               f"{c.cible:<{largeurs[3]}}  {etat:<7}  {c.reference}")
    manquees = [c for c in CIBLES if not c.tenue]
    if PETIT:
        ecrire(f"{len(CIBLES)} mesures ; passage à petite taille, cibles non jugées.")
    elif manquees:
        ecrire(f"{len(manquees)} cible(s) manquée(s) sur {len(CIBLES)} :", red=True, bold=True)
        for c in manquees:
            ecrire(f"  MANQUÉE  {c.banc} — {c.mesure} : {c.valeur} (cible {c.cible})", red=True)
    else:
        ecrire(f"Les {len(CIBLES)} cibles sont tenues.", green=True)


def pytest_sessionfinish(session, exitstatus):
    if not PETIT and any(not c.tenue for c in CIBLES) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raison = "les bancs d'essai se mesurent sur PostgreSQL : définir DATABASE_URL=postgres://… (voir .ci/run)"
        for item in items:
            item.add_marker(pytest.mark.skip(reason=raison))


def memoire_max_mio() -> float:
    """Le pic de mémoire résidente du processus depuis son début (Linux : ru_maxrss en Kio)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tableau(titre: str, lignes: list[tuple]) -> str:
    largeur = max(len(str(l[0])) for l in lignes)
    texte = [f"\n{titre}", "-" * len(titre)]
    texte += [f"{str(l[0]):<{largeur}}  " + "  ".join(str(x) for x in l[1:]) for l in lignes]
    return "\n".join(texte)
