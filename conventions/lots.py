"""Les conventions de tout un comité en un travail de fond : le lanceur (droits, `Traitement`) et sa tâche.

La tâche appelle le service de génération : elle vit au-dessus de services.py, qui programme lui-même les tâches de
tasks.py (services -> tasks, jamais l'inverse). Importé par AppConfig.ready() pour que Celery enregistre la tâche.
"""
from celery import shared_task
from django.urls import reverse

from annuaire.models import Utilisateur
from annuaire.roles import Role, a_role
from appels_projets.models import Comite
from appels_projets.options import EtatComite
from operations.models import Traitement
from operations.traitements import avancement, terminer, traitement_lancer
from operations.workflow import ActionRefusee

from .selectors import a_conventionner
from .services import convention_generer


def conventions_du_comite_lancer(*, comite: Comite, user) -> Traitement:
    """Génère en un travail de fond les conventions de toutes les opérations programmées par le comité."""
    if not a_role(user, Role.ANIMATION):
        raise ActionRefusee("Seule l'équipe d'animation génère les conventions.")
    if comite.etat != EtatComite.PV_VALIDE:
        raise ActionRefusee("Le procès-verbal de ce comité n'est pas validé : rien n'est programmé.")
    nombre = len(a_conventionner(comite))
    if not nombre:
        raise ActionRefusee("Toutes les conventions de ce comité sont déjà générées.")
    return traitement_lancer(libelle=f"Conventions du comité du {comite.date:%d/%m/%Y} ({nombre})", user=user,
                             tache=generer_conventions_du_comite, arguments=(comite.pk, user.pk))


@shared_task(bind=True, max_retries=3, default_retry_delay=10)
def generer_conventions_du_comite(self, traitement_id: str, comite_id: int, user_id: int) -> int:
    """Rejouée après un arrêt du worker, elle reprend : une convention déjà générée n'est ni renumérotée ni dupliquée."""
    comite, user = Comite.objects.get(pk=comite_id), Utilisateur.objects.get(pk=user_id)
    operations = a_conventionner(comite)
    with avancement(traitement_id, total=len(operations)) as un_de_plus:
        for operation in operations:
            convention_generer(operation=operation, user=user)
            un_de_plus()
    terminer(traitement_id, resultat=f"{reverse('conventions:liste')}?comite={comite_id}",
             message=f"{len(operations)} convention(s) générée(s).")
    return len(operations)
