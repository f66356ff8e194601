"""Les tâches de fond de la lettre mensuelle : elles reçoivent un identifiant et se rejouent sans doublon."""
from celery import shared_task

from .envoi import distribuer

REESSAIS = {"autoretry_for": (OSError,), "max_retries": 5, "retry_backoff": 30, "retry_jitter": True}


@shared_task(bind=True, **REESSAIS)
def envoyer_lettre(self, lettre_id: int) -> int:
    """Distribue une lettre envoyée aux adresses qui ne l'ont pas reçue ; rejouée, elle ne sert personne deux fois."""
    return distribuer(lettre_id)
