"""Vérifications Django (`manage.py check`) des critères de sortie positive : le fichier se lit (modes, champs), et,
avec `--database default` (ou avant `migrate`), ses types d'étape et ses motifs existent dans les référentiels en
base. Tant que les migrations des participants ne sont pas toutes appliquées, la base n'est pas encore comparable."""
from django.core import checks
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from .criteres import FICHIER, CriteresInvalides, criteres, verifier_en_base


@checks.register("participants")
def criteres_lisibles(app_configs=None, **kwargs):
    try:
        criteres()
    except CriteresInvalides as refus:
        return [checks.Error(erreur, obj=FICHIER.name, id="participants.E001") for erreur in refus.erreurs]
    return []


def _base_a_jour(alias: str) -> bool:
    executor = MigrationExecutor(connections[alias])
    cibles = [cible for cible in executor.loader.graph.leaf_nodes() if cible[0] == "participants"]
    return not executor.migration_plan(cibles)


@checks.register(checks.Tags.database)
def criteres_contre_la_base(app_configs=None, databases=None, **kwargs):
    erreurs = []
    for alias in databases or []:
        if not _base_a_jour(alias):
            continue
        try:
            liste = criteres()
        except CriteresInvalides:
            return []  # déjà dit par criteres_lisibles
        erreurs += [checks.Error(e, obj=FICHIER.name, id="participants.E002") for e in verifier_en_base(liste, using=alias)]
    return erreurs
