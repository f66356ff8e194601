"""Les travaux longs (Celery) et leur avancement, lu par la page du traitement.

La vue lance le traitement (`traitement_lancer`), qui met la tâche en file après le commit ; la tâche reçoit
l'identifiant du traitement et rend compte avec `avancement(...)` : nombre d'éléments faits, résultat, ou erreur.
Rejouée (worker tué, message livré deux fois), une tâche doit reprendre sans doublon : les services qu'elle
appelle sont idempotents.
"""
import logging
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .models import Traitement

logger = logging.getLogger(__name__)


def traitement_lancer(*, libelle: str, user, tache, arguments: tuple = ()) -> Traitement:
    traitement = Traitement.objects.create(libelle=libelle, demande_par=user)
    tache.delay_on_commit(str(traitement.pk), *arguments)
    return traitement


@contextmanager
def avancement(traitement_id, *, total: int):
    """Dans la tâche : `with avancement(id, total=n) as un_de_plus: ... un_de_plus()` ; le résultat se pose ensuite
    avec `terminer(id, resultat=...)`. Une exception marque le traitement « échoué » avec un message lisible."""
    Traitement.objects.filter(pk=traitement_id).update(etat=Traitement.Etat.EN_COURS, total=total, faits=0, message="")

    def un_de_plus():
        Traitement.objects.filter(pk=traitement_id).update(faits=F("faits") + 1)

    try:
        yield un_de_plus
    except Exception as erreur:
        logger.exception("traitement %s en échec", traitement_id)
        Traitement.objects.filter(pk=traitement_id).update(
            etat=Traitement.Etat.ECHOUE, termine_le=timezone.now(), message=str(erreur) or erreur.__class__.__name__)
        raise


def terminer(traitement_id, *, resultat: str = "", message: str = "", fichier: tuple[str, bytes] | None = None):
    """`fichier=(nom, contenu)` : le fichier produit, remplacé si une tâche rejouée le refait (pas de doublon)."""
    if fichier is not None:
        traitement = Traitement.objects.get(pk=traitement_id)
        if traitement.fichier:
            traitement.fichier.delete(save=False)
        traitement.fichier.save(fichier[0], ContentFile(fichier[1]), save=True)
        resultat = resultat or reverse("operations:fichier_traitement", args=[traitement_id])
    Traitement.objects.filter(pk=traitement_id).update(etat=Traitement.Etat.TERMINE, termine_le=timezone.now(),
                                                       resultat=resultat, message=message)
