"""À écrire (ébauche)."""
from celery import shared_task


@shared_task
def generer_accuse_reception(reponse_id: int):
    pass


@shared_task
def generer_documents_du_comite(comite_id: int, user_id: int):
    pass
