"""Une page qui montre n'écrit jamais : pendant un GET (ou HEAD), toute requête SQL autre qu'une lecture est refusée
(comme `readonly_view` de la Plateforme de l'inclusion). Une écriture glissée dans l'affichage d'une page échoue
alors au premier essai, en test comme en production, au lieu de passer inaperçue."""
import functools
import re
from contextlib import ExitStack

from django.db import connections

LECTURES = re.compile(r"^\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|EXPLAIN|PRAGMA)\b", re.IGNORECASE)


class EcritureInterdite(RuntimeError):
    """Une requête d'écriture pendant l'affichage d'une page."""


def _refuser_les_ecritures(execute, sql, params, many, context):
    if not LECTURES.match(sql) or re.match(r"^\s*PRAGMA\s+\w+\s*=", sql, re.IGNORECASE):
        raise EcritureInterdite(f"Écriture pendant l'affichage d'une page (GET) : {sql.split()[0].upper()}…")
    return execute(sql, params, many, context)


def lecture_seule(vue):
    """Décore une vue : ses GET ne lisent que ; ses POST écrivent comme d'habitude."""

    @functools.wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return vue(request, *args, **kwargs)
        with ExitStack() as gardes:
            for alias in connections:
                gardes.enter_context(connections[alias].execute_wrapper(_refuser_les_ecritures))
            return vue(request, *args, **kwargs)
    return enveloppe
