import shutil
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings

DELAI_SECONDES = 24 * 3600


@shared_task
def purger_imports_en_attente() -> int:
    """Chaque jour : efface les fichiers d'import déposés mais jamais confirmés ni abandonnés (données personnelles)."""
    dossier = Path(settings.MEDIA_ROOT) / "imports-en-attente"
    if not dossier.is_dir():
        return 0
    limite, effaces = time.time() - DELAI_SECONDES, 0
    for attente in dossier.iterdir():
        if attente.stat().st_mtime < limite:
            shutil.rmtree(attente, ignore_errors=True)
            effaces += 1
    return effaces
