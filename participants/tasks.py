"""Tâches de fond des participants : purger les imports abandonnés, produire les feuilles d'émargement en lot.

Les services et les lanceurs les programment (vers tasks, jamais l'inverse) : le lanceur des feuilles
d'émargement vit au-dessus de seances, emargement et tasks, dans `lots.py`.
"""
import shutil
import time
from datetime import date
from pathlib import Path

from celery import shared_task
from django.conf import settings

from operations.models import Operation
from operations.traitements import avancement, terminer

from .emargement import Periode, archive_emargements

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


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def generer_emargements(self, traitement_id: str, operation_ids: list[int], du: str, au: str, par: str) -> int:
    """Les feuilles de plusieurs actions dans une archive ZIP ; rejouée, elle refait la même archive et la remplace."""
    periode = Periode(date.fromisoformat(du), date.fromisoformat(au))
    operations = list(Operation.objects.filter(pk__in=operation_ids).select_related("porteur", "type", "programme").order_by("code"))
    with avancement(traitement_id, total=len(operations)) as un_de_plus:
        contenu, sans_seance = archive_emargements(operations, periode, par, apres_chaque=un_de_plus)
    faites = len(operations) - len(sans_seance)
    terminer(traitement_id, fichier=(f"emargements-{periode.debut:%Y%m%d}-{periode.fin:%Y%m%d}.zip", contenu),
             message=f"{faites} action(s) dans l'archive" + (f", {len(sans_seance)} sans séance sur la période." if sans_seance else "."))
    return faites
