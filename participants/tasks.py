"""Tâches de fond des participants : purger les imports abandonnés, produire les feuilles d'émargement en lot.

Les services et les lanceurs les programment (vers tasks, jamais l'inverse) : le lanceur des feuilles
d'émargement vit au-dessus de seances, emargement et tasks, dans `lots.py`.
"""
import time
from datetime import date

from celery import shared_task
from django.core.files.storage import default_storage

from operations.models import Operation
from operations.traitements import avancement, terminer

from .emargement import Periode, archive_emargements

DELAI_SECONDES = 24 * 3600
EN_ATTENTE = "imports-en-attente"  # les fichiers déposés dans l'attente de leur confirmation (views.py)


@shared_task
def purger_imports_en_attente(maintenant: float | None = None) -> int:
    """Chaque jour : efface les fichiers d'import déposés mais jamais confirmés ni abandonnés (données personnelles) ;
    rend le nombre d'imports effacés."""
    try:
        noms = default_storage.listdir(EN_ATTENTE)[1]
    except FileNotFoundError:
        return 0
    limite, jetons = (maintenant or time.time()) - DELAI_SECONDES, set()
    for nom in noms:
        chemin = f"{EN_ATTENTE}/{nom}"
        if default_storage.get_modified_time(chemin).timestamp() < limite:
            default_storage.delete(chemin)
            jetons.add(nom.split("-", 1)[0])
    return len(jetons)


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
