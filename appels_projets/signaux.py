"""Réactions de l'appel aux transitions de l'opération (l'opération, app plus basse, ne connaît pas les appels)."""
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from operations.models import Operation

from .tasks import generer_accuse_reception


@receiver(post_transition, sender=Operation)
def apres_depot(sender, instance, name, **kwargs):
    """Au dépôt : l'heure de dépôt fait foi, et l'accusé de réception est produit après commit."""
    if name not in ("deposer", "completer"):
        return
    reponse = getattr(instance, "reponse_appel", None)
    if reponse is None:
        return
    if name == "deposer":
        reponse.deposee_le = timezone.now()
        reponse.save(update_fields=["deposee_le"])
    transaction.on_commit(lambda: generer_accuse_reception.delay(reponse.pk))
