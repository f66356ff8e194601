"""Banc d'essai de l'export « Ma Démarche FSE » (issues 7 et 19) : une opération de 20 000 participants, le temps et le
pic de mémoire imprimés. `make bench` (taille : BENCH_MDFSE).

Cibles : l'export en moins de 3 s et moins de 300 Mio de mémoire résidente, mesurés dans un processus à lui
(`mdfse_processus.py` : sa durée d'export, et la RSS maximale du processus enfant lue par `RUSAGE_CHILDREN`, démarrage
de Django compris) ; la taille de référence est un même processus qui démarre Django sans rien exporter.

L'installation a plusieurs PLIE (BENCH_PLIE) : l'opération, son porteur et ses participants sont rangés dans le n° 1.
"""
import io
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from annuaire.models import Commune, Prescripteur, Structure
from justificatifs.mdfse import export_mdfse
from operations.models import TypeOperation
from operations.options import Etat
from participants.models import MotifSortie, Participant
from tests.factories import OperationFactory

from .conftest import PLIE, cible, tableau, taille, verifier
from .population import plies

pytestmark = pytest.mark.django_db(transaction=True)
PARTICIPANTS = taille("BENCH_MDFSE", 20_000, 500)
DUREE_MAX, MEMOIRE_MAX = 3, 300
RACINE = Path(__file__).resolve().parent.parent.parent


def _processus(*arguments: str) -> tuple[str, float]:
    """Lance un processus Python sur la base du banc ; rend sa sortie et sa mémoire résidente maximale (Mio).

    RUSAGE_CHILDREN donne le maximum sur les enfants attendus jusqu'ici : chaque mesure se fait dans un processus
    intermédiaire à elle, qui lance le vrai et rend son ru_maxrss."""
    base = connection.settings_dict
    url = f"postgres://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{base['NAME']}"
    mesure = ("import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:], capture_output=True, text=True,"
              " check=True); print(json.dumps({'sortie': r.stdout, 'rss': resource.getrusage("
              "resource.RUSAGE_CHILDREN).ru_maxrss}))")
    resultat = subprocess.run([sys.executable, "-c", mesure, sys.executable, *arguments], capture_output=True, text=True,
                              cwd=RACINE, env={**os.environ, "DATABASE_URL": url}, check=True)
    donnees = json.loads(resultat.stdout)
    return donnees["sortie"], donnees["rss"] / 1024


def test_export_d_une_operation_de_vingt_mille_participants():
    plie = plies(PLIE)[0]
    structure = Structure.objects.create(plie=plie, nom="Mission locale", categorie=Structure.Categorie.PORTEUR)
    operation = OperationFactory(plie=plie, porteur=structure, etat=Etat.EN_REALISATION,
                                 type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    commune, prescripteur = Commune.objects.get(plie=plie, nom="Dijon"), Prescripteur.objects.get(code="POLE_EMPLOI")
    cdi = MotifSortie.objects.get(code="CDI")
    Participant.objects.bulk_create((
        Participant(plie=plie, identifiant=f"MDFSE-{i:06d}", nom=f"Nom{i}", prenom="Camille", sexe="HF"[i % 2],
                    date_naissance=date(1960, 1, 1) + timedelta(days=i % 15000), commune=commune,
                    prescripteur=prescripteur, structure_referent=structure, date_entree=date(2016, 1, 4),
                    date_sortie=date(2016, 10, 3) if i % 4 == 0 else None, motif_sortie=cdi if i % 4 == 0 else None,
                    situation_entree=["DE", "DELD", "INACTIF", "EMPLOI"][i % 4], niveau_formation="ISCED_3_4",
                    beneficiaire_rsa=i % 3 == 0, rqth="non", menage_sans_emploi=False, enfants_a_charge=False,
                    parent_isole=False, sans_domicile=False, ressortissant_pays_tiers=i % 7 == 0,
                    origine_etrangere=["oui", "non", "refus"][i % 3], minorite="non", autre_defavorise="non",
                    zone_rurale=False, telephone="" if i % 9 == 0 else "06 12 34 56 78",
                    situation_sortie="EMPLOI" if i % 4 == 0 else "", qualification_obtenue=i % 8 == 0)
        for i in range(PARTICIPANTS)), batch_size=5000)

    sortie, rss = _processus("-m", "tests.bench.mdfse_processus", str(operation.pk))
    mesure = json.loads(sortie)
    assert mesure["participants"] == PARTICIPANTS
    _, rss_vide = _processus("-c", "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                                   "'config.settings'); django.setup(); import justificatifs.mdfse")
    duree = mesure["duree"]

    # Dans ce processus : le contenu vérifié, et le pic des allocations Python de l'export.
    contenu = export_mdfse(operation)
    tracemalloc.start()
    export_mdfse(operation)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    archive = zipfile.ZipFile(io.BytesIO(contenu))
    participants = archive.read(f"mdfse-{operation.code}-participants.csv").decode("utf-8-sig").splitlines()
    assert len(participants) == 1 + PARTICIPANTS
    cible("mdfse", f"export de {PARTICIPANTS:_} participants".replace("_", " "), f"{duree:.2f} s", f"< {DUREE_MAX} s",
          duree < DUREE_MAX)
    cible("mdfse", "mémoire résidente maximale de son processus", f"{rss:.0f} Mio", f"< {MEMOIRE_MAX} Mio",
          rss < MEMOIRE_MAX, f"Django démarré sans export : {rss_vide:.0f} Mio")
    print(tableau(f"Banc d'essai : export « Ma Démarche FSE » d'une opération de {PARTICIPANTS:,} participants"
                  .replace(",", " "), [
        ("mesure", "valeur", "cible"),
        ("durée de l'export (XLSX + 3 CSV, ZIP), processus à lui", f"{duree:.2f} s", f"< {DUREE_MAX} s"),
        ("débit", f"{PARTICIPANTS / duree:,.0f} participants/s".replace(",", " "), ""),
        ("archive ZIP", f"{len(contenu) / 1024 / 1024:.1f} Mio", ""),
        ("mémoire résidente maximale de son processus", f"{rss:.0f} Mio", f"< {MEMOIRE_MAX} Mio"),
        ("… d'un processus qui démarre Django sans exporter", f"{rss_vide:.0f} Mio", ""),
        ("pic des allocations Python (tracemalloc)", f"{pic / 1024 / 1024:.0f} Mio", ""),
    ]))
    verifier("mdfse")
