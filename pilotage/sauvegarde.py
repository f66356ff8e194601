"""Sauvegarder et restaurer une installation : la base (pg_dump / pg_restore, ou copie SQLite), les fichiers déposés
et produits (le stockage des fichiers : `MEDIA_ROOT` sur disque, ou le bucket S3 quand STOCKAGE_S3_BUCKET est défini),
et un manifeste (nombre de lignes de chaque table, empreinte SHA-256 de chaque fichier) qui permet de vérifier qu'une
restauration n'a rien perdu. Les fichiers sont lus et réécrits par le stockage configuré, quel qu'il soit.

Un dossier de sauvegarde : `base.dump` (ou `base.sqlite3`), `fichiers.tar.gz`, `manifeste.json`.
"""
import hashlib
import json
import os
import posixpath
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections

from annuaire.fichiers import fichiers_stockes


class SauvegardeImpossible(Exception):
    pass


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _environnement_pg() -> tuple[list[str], dict]:
    base = settings.DATABASES["default"]
    options = ["--host", base.get("HOST") or "127.0.0.1", "--port", str(base.get("PORT") or 5432),
               "--username", base.get("USER") or "postgres", "--dbname", base["NAME"]]
    return options, {**os.environ, "PGPASSWORD": base.get("PASSWORD") or ""}


def _executer(commande: list[str], env: dict):
    resultat = subprocess.run(commande, env=env, capture_output=True, text=True)
    if resultat.returncode != 0:
        raise SauvegardeImpossible(f"{commande[0]} a échoué : {resultat.stderr.strip()[:500]}")


def _empreinte(chemin: str) -> str:
    empreinte = hashlib.sha256()
    with default_storage.open(chemin, "rb") as fichier:
        for bloc in fichier.chunks():
            empreinte.update(bloc)
    return empreinte.hexdigest()


def inventaire() -> dict:
    """Le nombre de lignes de chaque table et l'empreinte de chaque fichier stocké."""
    with connection.cursor() as curseur:
        lignes = {}
        for table in sorted(connection.introspection.table_names(curseur)):
            curseur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            lignes[table] = curseur.fetchone()[0]
    return {"lignes": lignes, "fichiers": {chemin: _empreinte(chemin) for chemin in fichiers_stockes()}}


def sauvegarder(dossier: Path) -> Path:
    cible = Path(dossier) / f"plie-{datetime.now():%Y%m%d-%H%M%S}"
    cible.mkdir(parents=True)
    if _postgresql():
        options, env = _environnement_pg()
        _executer(["pg_dump", "--format=custom", "--no-owner", "--file", str(cible / "base.dump"), *options], env)
    else:
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with sqlite3.connect(cible / "base.sqlite3") as copie:
            source.backup(copie)
        source.close()
    with tarfile.open(cible / "fichiers.tar.gz", "w:gz") as archive:
        for chemin in fichiers_stockes():
            entree = tarfile.TarInfo(chemin)
            entree.size = default_storage.size(chemin)
            entree.mtime = int(datetime.now().timestamp())
            with default_storage.open(chemin, "rb") as fichier:
                archive.addfile(entree, fichier)
    manifeste = {"cree_le": datetime.now().isoformat(timespec="seconds"), "moteur": connection.vendor, **inventaire()}
    (cible / "manifeste.json").write_text(json.dumps(manifeste, indent=1, ensure_ascii=False), encoding="utf-8")
    return cible


def ecarts(manifeste: dict) -> list[str]:
    """Ce qui diffère entre l'installation et le manifeste d'une sauvegarde (vide : rien de perdu)."""
    actuel, differences = inventaire(), []
    for table, nombre in manifeste["lignes"].items():
        if actuel["lignes"].get(table) != nombre:
            differences.append(f"table {table} : {actuel['lignes'].get(table)} ligne(s) au lieu de {nombre}")
    for chemin, empreinte in manifeste["fichiers"].items():
        if actuel["fichiers"].get(chemin) != empreinte:
            differences.append(f"fichier {chemin} : {'absent' if chemin not in actuel['fichiers'] else 'modifié'}")
    return differences


def restaurer(dossier: Path) -> list[str]:
    """Remplace la base et les fichiers par ceux de la sauvegarde, puis compare au manifeste ; rend les écarts."""
    dossier = Path(dossier)
    manifeste = json.loads((dossier / "manifeste.json").read_text(encoding="utf-8"))
    if manifeste["moteur"] != connection.vendor:
        raise SauvegardeImpossible(f"Sauvegarde {manifeste['moteur']}, base {connection.vendor} : moteurs différents.")
    connections.close_all()
    if _postgresql():
        options, env = _environnement_pg()
        _executer(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *options,
                   str(dossier / "base.dump")], env)
    else:
        with sqlite3.connect(dossier / "base.sqlite3") as source, sqlite3.connect(settings.DATABASES["default"]["NAME"]) as base:
            source.backup(base)
    for chemin in list(fichiers_stockes()):
        default_storage.delete(chemin)
    with tarfile.open(dossier / "fichiers.tar.gz", "r:gz") as archive:
        for entree in archive:
            if not entree.isfile():
                continue
            chemin = posixpath.normpath(entree.name.removeprefix("./"))
            if chemin.startswith(("/", "../")):
                raise SauvegardeImpossible(f"Chemin refusé dans l'archive des fichiers : {entree.name}")
            if default_storage.save(chemin, archive.extractfile(entree)) != chemin:
                raise SauvegardeImpossible(f"Le fichier {chemin} n'a pas pu être restauré sous son nom.")
    connections.close_all()
    return ecarts(manifeste)
