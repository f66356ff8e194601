"""Les bancs d'essai : `make bench` (PostgreSQL : DATABASE_URL, voir .ci/run). Pas dans `make test`.

Tailles par l'environnement : BENCH_PARTICIPANTS (200 000), BENCH_ETAPES (2 000 000), BENCH_IMPORT (100 000),
BENCH_CLAUSES (1 000 000 de lignes d'heures).
"""
import os
import resource

import pytest
from django.conf import settings

TAILLES = {
    "participants": int(os.environ.get("BENCH_PARTICIPANTS", 200_000)),
    "etapes": int(os.environ.get("BENCH_ETAPES", 2_000_000)),
    "import": int(os.environ.get("BENCH_IMPORT", 100_000)),
    "clauses": int(os.environ.get("BENCH_CLAUSES", 1_000_000)),
}


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
