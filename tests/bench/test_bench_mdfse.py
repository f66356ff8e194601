"""Banc d'essai de l'export « Ma Démarche FSE » (issue 7) : une opération de 20 000 participants, le temps et le pic
de mémoire imprimés. `make bench` (taille : BENCH_MDFSE)."""
import io
import os
import time
import tracemalloc
import zipfile
from datetime import date, timedelta

import pytest

from annuaire.models import Commune, Prescripteur
from justificatifs.mdfse import export_mdfse
from operations.models import TypeOperation
from operations.options import Etat
from participants.models import MotifSortie, Participant
from tests.factories import OperationFactory, StructureFactory

from .conftest import memoire_max_mio, tableau

pytestmark = pytest.mark.django_db(transaction=True)
PARTICIPANTS = int(os.environ.get("BENCH_MDFSE", 20_000))


def test_export_d_une_operation_de_vingt_mille_participants():
    structure = StructureFactory(nom="Mission locale")
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION,
                                 type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    commune, prescripteur = Commune.objects.get(nom="Dijon"), Prescripteur.objects.get(code="POLE_EMPLOI")
    cdi = MotifSortie.objects.get(code="CDI")
    Participant.objects.bulk_create((
        Participant(identifiant=f"MDFSE-{i:06d}", nom=f"Nom{i}", prenom="Camille", sexe="HF"[i % 2],
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

    debut = time.perf_counter()
    contenu = export_mdfse(operation)
    duree = time.perf_counter() - debut
    tracemalloc.start()
    export_mdfse(operation)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    archive = zipfile.ZipFile(io.BytesIO(contenu))
    participants = archive.read(f"mdfse-{operation.code}-participants.csv").decode("utf-8-sig").splitlines()
    assert len(participants) == 1 + PARTICIPANTS
    print(tableau(f"Banc d'essai : export « Ma Démarche FSE » d'une opération de {PARTICIPANTS:,} participants"
                  .replace(",", " "), [
        ("mesure", "valeur"),
        ("durée de l'export (XLSX + 3 CSV, ZIP)", f"{duree:.1f} s"),
        ("débit", f"{PARTICIPANTS / duree:,.0f} participants/s".replace(",", " ")),
        ("archive ZIP", f"{len(contenu) / 1024 / 1024:.1f} Mio"),
        ("pic des allocations Python (tracemalloc)", f"{pic / 1024 / 1024:.0f} Mio"),
        ("mémoire résidente maximale du processus", f"{memoire_max_mio():.0f} Mio"),
    ]))
