"""Tâches de fond des conventions : aviser d'une étape de la signature, relancer ce qui attend une signature.

Les services les programment (services -> tasks, jamais l'inverse) : la génération des conventions d'un comité, qui
appelle le service de génération, vit au-dessus d'eux, dans `lots.py`.
"""
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from operations.tasks import aviser, destinataires

from .models import Avenant, Convention
from .selectors import ETATS_A_RELANCER, a_relancer, document_courant

logger = logging.getLogger(__name__)

# Qui est prévenu quand une convention ou un avenant atteint un état ("porteur" = les comptes de la structure).
DESTINATAIRES = {
    "envoyee": ["porteur"],
    "signee_porteur": [Role.ANIMATION],
    "notifiee": ["porteur"],
    "annulee": ["porteur"],
}
MESSAGES = {
    "envoyee": "Le document « {titre} » est joint : imprimez-le, faites-le signer par votre représentant légal, puis "
               "déposez l'exemplaire signé (PDF ou image) sur sa page dans l'application.",
    "signee_porteur": "Le porteur a déposé l'exemplaire signé du document « {titre} » : vérifiez-le, faites-le signer "
                      "par le PLIE, puis déposez l'exemplaire signé des deux parties.",
    "notifiee": "Le document « {titre} » est signé des deux parties et vous est notifié : l'exemplaire signé se "
                "télécharge sur sa page dans l'application.",
    "annulee": "Le document « {titre} » est annulé.",
}


def _document_du_journal(journal: StateLog):
    return ContentType.objects.get_for_id(journal.content_type_id).get_object_for_this_type(pk=journal.object_id)


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def notifier_signature(self, journal_id: int):
    """Avise le porteur ou l'équipe d'animation d'une étape de la signature, document joint ; rejouée, sans doublon."""
    journal = StateLog.objects.get(pk=journal_id)
    document = _document_du_journal(journal)
    cibles = DESTINATAIRES.get(journal.state, [])
    if not cibles:
        return 0
    operation = document.operation
    pieces = [document_courant(document)] if journal.state == "envoyee" else []
    objet = f"[{operation.code}] {document.titre} : {document.get_etat_display().lower()}"
    message = f"Opération {operation.code} « {operation.intitule} ».\n\n" + MESSAGES[journal.state].format(titre=document.titre)
    return aviser(self, journal=journal, operation=operation, cibles=cibles, objet=objet, message=message,
                  pieces_jointes=[p for p in pieces if p])


@shared_task
def relancer_signatures() -> int:
    """Chaque jour : relance par courriel ce qui attend une signature depuis plus que le délai (une fois par délai)."""
    relances = 0
    for modele in (Convention, Avenant):
        for etat, cibles in ETATS_A_RELANCER.items():
            for document in a_relancer(modele, etat):
                jours = (timezone.now() - document.depuis).days
                comptes = destinataires(document.operation, cibles)
                adresses = [c.email for c in comptes if c.email]
                if adresses:
                    send_mail(f"[{document.operation.code}] Relance : {document.titre}, en attente depuis {jours} jours",
                              f"Le document « {document.titre} » est à l'état « {document.get_etat_display()} » "
                              f"depuis {jours} jours : il attend votre signature.",
                              settings.DEFAULT_FROM_EMAIL, adresses)
                type(document).objects.filter(pk=document.pk).update(relancee_le=timezone.now())
                relances += 1
    logger.info("relance des signatures : %d document(s)", relances)
    return relances

