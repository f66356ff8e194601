"""La tâche planifiée de la lettre mensuelle (CELERY_BEAT_SCHEDULE) : elle appelle les services, donc vit au-dessus
de services.py, qui programme lui-même les tâches de tasks.py. Importé par AppConfig.ready() pour que Celery
l'enregistre."""
import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from annuaire.models import Plie
from operations.workflow import ActionRefusee

from .calendrier import mois_precedent, premier_jour_ouvre
from .services import lettre_du_mois, lettre_envoyer
from .tasks import REESSAIS

logger = logging.getLogger(__name__)


@shared_task(bind=True, **REESSAIS)
def lettre_du_mois_precedent(self, jour: str | None = None) -> int | list[int] | None:
    """Chaque matin : le premier jour ouvré du mois, construit la lettre du mois précédent de chaque PLIE si elle
    manque et l'envoie (à ses seuls destinataires) si elle n'est pas partie. Rejouée le même jour (ou lancée deux
    fois), elle n'envoie rien de plus. `jour` (AAAA-MM-JJ) : la date à considérer comme aujourd'hui (tests,
    rattrapage à la main). Rend la clé de la lettre (d'un seul PLIE) ou la liste des clés (plusieurs PLIE)."""
    aujourdhui = date.fromisoformat(jour) if jour else timezone.localdate()
    if aujourdhui != premier_jour_ouvre(aujourdhui.year, aujourdhui.month):
        return None
    cles = []
    for plie in Plie.objects.order_by("pk"):
        lettre = lettre_du_mois(mois=mois_precedent(aujourdhui), plie=plie)
        cles.append(lettre.pk)
        if lettre.envoyee:
            continue
        try:
            lettre_envoyer(lettre=lettre, par_le_systeme=True)
        except ActionRefusee as refus:
            logger.warning("lettre %s non envoyée : %s", lettre.pk, refus)
    return cles[0] if len(cles) == 1 else cles
