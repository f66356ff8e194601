"""Les tâches planifiées des appels (CELERY_BEAT_SCHEDULE) : elles appellent un service, donc vivent au-dessus de
services.py, qui programme lui-même les tâches de tasks.py (services -> tasks, jamais l'inverse). Importé par
AppConfig.ready() pour que Celery enregistre ces tâches."""
from celery import shared_task

from .services import appels_clore_echus
from .tasks import REESSAIS


@shared_task(bind=True, **REESSAIS)
def clore_appels_echus(self) -> list[int]:
    """Toutes les 5 minutes : clôt les dépôts des appels publiés dont la date limite est passée."""
    return appels_clore_echus()
