"""Tâches de fond des appels : accusé de réception au dépôt, PV et lettres après le comité.

Les services les programment (services -> tasks, jamais l'inverse) : une tâche qui doit appeler un service vit
au-dessus d'eux, dans `planifiees.py` (la clôture des appels échus).

Chaque tâche reçoit des identifiants et peut être rejouée (nouvel essai, message livré deux fois) : un document
n'est stocké qu'une fois pour les mêmes données, et le courriel ne part qu'avec un document nouvellement créé.
La ligne de l'objet est verrouillée pendant la génération : deux exécutions simultanées ne l'envoient pas deux fois.
"""
import logging
from collections import defaultdict
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from annuaire.models import Utilisateur
from annuaire.plies import comptes_du_plie
from annuaire.roles import Role
from operations.documents import documents_de

from .documents import accuse_reception_generer, lettre_notification_generer, pv_comite_generer
# Les documents courts restent synchrones (docs/architecture.md) : les vues les appellent directement, exposés ici aussi.
from .documents import dossier_comite_generer, rapport_instruction_generer  # noqa: F401
from .models import Comite, Reponse
from .options import EtatComite

logger = logging.getLogger(__name__)

TYPE_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Un serveur de courriel ou un stockage indisponible (SMTPException et ConnectionError en héritent) : on réessaie.
REESSAIS = {"autoretry_for": (OSError,), "max_retries": 5, "retry_backoff": 30, "retry_jitter": True}

def _generer_en_signalant(generer, objet, nature: str):
    """(document, créé maintenant ?) ; sûr parce que l'appelant tient le verrou de l'objet."""
    avant = set(documents_de(objet, nature).values_list("pk", flat=True))
    document = generer()
    return document, document.pk not in avant


def _adresses_du_porteur(structure) -> list[str]:
    """Les comptes « porteur » actifs de la structure, parmi ceux de son PLIE ; à défaut, le courriel de la structure."""
    adresses = list(
        comptes_du_plie(structure.plie_id).filter(structure=structure, groups__name=Role.PORTEUR, is_active=True)
        .exclude(email="").order_by("pk").values_list("email", flat=True).distinct()
    )
    return adresses or ([structure.courriel] if structure.courriel else [])


def _envoyer(*, objet: str, corps: str, adresses: list[str], documents) -> bool:
    if not adresses:
        return False
    message = EmailMessage(objet, corps, settings.DEFAULT_FROM_EMAIL, adresses)
    for document in documents:
        with document.fichier.open("rb") as fichier:
            message.attach(document.nom, fichier.read(), TYPE_DOCX)
    message.send()
    return True


@contextmanager
def _oublier_si_echec(documents):
    """Si le courriel échoue, la transaction annule les lignes : on retire aussi les fichiers déjà écrits."""
    try:
        yield
    except BaseException:
        for document in documents:
            document.fichier.delete(save=False)
        raise


@shared_task(bind=True, **REESSAIS)
def generer_accuse_reception(self, reponse_id: int) -> int:
    """Produit l'accusé de réception et l'envoie aux porteurs de la structure, la première fois seulement."""
    with transaction.atomic():
        reponse = Reponse.objects.select_for_update().get(pk=reponse_id)
        document, nouveau = _generer_en_signalant(lambda: accuse_reception_generer(reponse), reponse, "accuse_reception")
        if nouveau:
            operation = reponse.operation
            depot = f" le {timezone.localtime(reponse.deposee_le):%d/%m/%Y à %H:%M}" if reponse.deposee_le else ""
            with _oublier_si_echec([document]):
                _envoyer(
                    objet=f"[{operation.code}] Accusé de réception de votre demande",
                    corps=(
                        f"Bonjour,\n\nVotre demande « {operation.intitule} » ({operation.code}) en réponse à l'appel "
                        f"à projets « {reponse.appel} » a bien été déposée{depot}.\n"
                        "Vous trouverez ci-joint l'accusé de réception ; il ne préjuge pas de la recevabilité "
                        "de la demande.\n\nL'équipe d'animation du PLIE"
                    ),
                    adresses=_adresses_du_porteur(operation.porteur),
                    documents=[document],
                )
    return document.pk


def _corps_de_la_notification(comite: Comite, points) -> str:
    lignes = [f"- {p.reponse.operation.code} « {p.reponse.operation.intitule} » : {p.get_decision_display().lower()}"
              for p in points]
    return (
        f"Bonjour,\n\nLe {comite.get_type_display().lower()} du {timezone.localtime(comite.date):%d/%m/%Y} "
        "a examiné vos demandes :\n" + "\n".join(lignes)
        + "\n\nVous trouverez ci-joint la lettre de notification de chaque décision.\n\nL'équipe d'animation du PLIE"
    )


@shared_task(bind=True, **REESSAIS)
def generer_documents_du_comite(self, comite_id: int, user_id: int | None) -> dict:
    """Après validation du PV : le PV, une lettre par opération, un courriel par porteur avec ses lettres nouvelles.

    Chaque porteur est traité dans sa propre transaction : si le courriel du deuxième échoue, le premier,
    déjà averti, ne le sera pas une seconde fois au nouvel essai.
    """
    user = Utilisateur.objects.filter(pk=user_id).first() if user_id else None
    comite = Comite.objects.get(pk=comite_id)
    if comite.etat != EtatComite.PV_VALIDE:
        logger.warning("comité %s : PV non validé (%s), aucun document produit", comite_id, comite.etat)
        return {"pv": None, "lettres": [], "courriels": 0}
    pv = pv_comite_generer(comite, user)
    par_porteur = defaultdict(list)
    for point in comite.points.exclude(decision="").select_related("reponse__operation__porteur", "reponse__appel"):
        par_porteur[point.reponse.operation.porteur].append(point)
    lettres, courriels = [], 0
    for structure, points in par_porteur.items():
        with transaction.atomic():
            Comite.objects.select_for_update().get(pk=comite_id)
            nouvelles = []
            for point in points:
                lettre, nouveau = _generer_en_signalant(lambda p=point: lettre_notification_generer(p, user),
                                                        point, "lettre_notification")
                lettres.append(lettre.pk)
                if nouveau:
                    nouvelles.append((point, lettre))
            if nouvelles:
                with _oublier_si_echec([lettre for _, lettre in nouvelles]):
                    courriels += _envoyer(
                        objet=f"Décision du {comite.get_type_display().lower()} du {timezone.localtime(comite.date):%d/%m/%Y}",
                        corps=_corps_de_la_notification(comite, [p for p, _ in nouvelles]),
                        adresses=_adresses_du_porteur(structure),
                        documents=[lettre for _, lettre in nouvelles],
                    )
    logger.info("comité %s : PV %s, %d lettre(s), %d courriel(s)", comite_id, pv.pk, len(lettres), courriels)
    return {"pv": pv.pk, "lettres": lettres, "courriels": courriels}

