import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django_fsm_log.models import StateLog

from annuaire.models import Utilisateur
from annuaire.plies import comptes_du_plie
from annuaire.roles import Role

from .models import Notification, Operation
from .options import Etat

logger = logging.getLogger(__name__)

# Qui est prévenu quand une opération atteint un état : "porteur" = les comptes de la structure porteuse.
DESTINATAIRES = {
    Etat.DEPOSEE: [Role.ANIMATION],
    Etat.INCOMPLETE: ["porteur"],
    Etat.RECEVABLE: ["porteur"],
    Etat.IRRECEVABLE: ["porteur"],
    Etat.INSTRUITE: [Role.COMITE],
    Etat.PROGRAMMEE: ["porteur", Role.ANIMATION],
    Etat.AJOURNEE: ["porteur", Role.ANIMATION],
    Etat.REJETEE: ["porteur", Role.ANIMATION],
    Etat.CONVENTIONNEE: ["porteur"],
    Etat.BILAN_DEPOSE: [Role.GESTIONNAIRE],
    Etat.BILAN_A_CORRIGER: ["porteur"],
    Etat.SOLDEE: ["porteur", Role.ANIMATION],
    Etat.ABANDONNEE: ["porteur", Role.ANIMATION],
}


def destinataires(operation: Operation, cibles) -> list[Utilisateur]:
    """Les comptes actifs visés parmi ceux du PLIE de l'opération (et de son pivot) : "porteur" = les comptes porteurs
    de la structure, sinon un rôle."""
    filtre = Q(pk__in=[])
    if "porteur" in cibles:
        filtre |= Q(structure_id=operation.porteur_id, groups__name=Role.PORTEUR)
    roles = [r for r in cibles if r != "porteur"]
    if roles:
        filtre |= Q(groups__name__in=roles)
    return list(comptes_du_plie(operation.plie_id).filter(filtre, is_active=True).distinct())


def aviser(tache, *, journal: StateLog, operation: Operation, cibles, objet: str, message: str, pieces_jointes=()) -> int:
    """Un avis dans l'application et un courriel par personne visée ; rejoué, il ne prévient personne deux fois.

    `pieces_jointes` : des DocumentGenere joints au courriel. Un envoi en échec est retenté par la tâche `tache`.
    """
    envoyes = 0
    for utilisateur in destinataires(operation, cibles):
        notification, creee = Notification.objects.get_or_create(
            destinataire=utilisateur, journal=journal, defaults={"operation": operation, "objet": objet, "message": message}
        )
        if creee and utilisateur.email:
            courriel = EmailMessage(objet, message, settings.DEFAULT_FROM_EMAIL, [utilisateur.email])
            for document in pieces_jointes:
                with document.fichier.open("rb") as fichier:
                    courriel.attach(document.nom, fichier.read())
            try:
                courriel.send()
            except OSError as exc:
                notification.delete()
                raise tache.retry(exc=exc)
            envoyes += 1
    logger.info("avis du journal %s : %d courriel(s)", journal.pk, envoyes)
    return envoyes


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def notifier_transition(self, journal_id: int):
    """Avise les personnes concernées d'un changement d'état ; rejouée, elle ne notifie personne deux fois."""
    journal = StateLog.objects.get(pk=journal_id)
    operation = Operation.objects.select_related("porteur").get(pk=journal.object_id)
    etat_avant, etat_apres = journal.source_state, journal.state
    objet = f"[{operation.code}] {Etat(etat_apres).label} : {operation.intitule}"
    message = (
        f"L'opération {operation.code} « {operation.intitule} » ({operation.porteur}) "
        f"est passée de l'état « {Etat(etat_avant).label} » à « {Etat(etat_apres).label} »."
    )
    return aviser(self, journal=journal, operation=operation, cibles=DESTINATAIRES.get(etat_apres, []),
                  objet=objet, message=message)


@shared_task(bind=True, max_retries=2, default_retry_delay=60)
def produire_pdf(self, document_id: int):
    """Le jumeau PDF d'un document Word ; sans LibreOffice, rien (le Word reste disponible), ce qui est journalisé."""
    from .documents import document_pdf
    from .models import DocumentGenere
    from .pdf import ConversionImpossible

    document = DocumentGenere.objects.get(pk=document_id)
    try:
        return document_pdf(document).pk
    except ConversionImpossible as erreur:
        logger.warning("PDF du document %s non produit : %s", document_id, erreur)
        return None


def pdf_apres_commit(document) -> None:
    """Met en file la production du PDF d'un document Word, si la production automatique est active."""
    if settings.PDF_AUTOMATIQUE:
        produire_pdf.delay_on_commit(document.pk)
