"""L'export « Ma Démarche FSE » d'une opération dans un processus à lui (banc `test_bench_mdfse.py`) : il imprime en
JSON la durée de l'export et le nombre de participants écrits ; le parent lit la mémoire résidente maximale du
processus (`RUSAGE_CHILDREN`). `python -m tests.bench.mdfse_processus <pk de l'opération>` (DATABASE_URL : la base
du banc)."""
import io
import json
import os
import sys
import time
import zipfile

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from justificatifs.mdfse import export_mdfse  # noqa: E402
from operations.models import Operation  # noqa: E402

operation = Operation.objects.get(pk=int(sys.argv[1]))
debut = time.perf_counter()
contenu = export_mdfse(operation)
duree = time.perf_counter() - debut
lignes = zipfile.ZipFile(io.BytesIO(contenu)).read(f"mdfse-{operation.code}-participants.csv").decode("utf-8-sig")
print(json.dumps({"duree": duree, "participants": len(lignes.splitlines()) - 1, "octets": len(contenu)}))
