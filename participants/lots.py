"""Les feuilles d'émargement de plusieurs actions en un travail de fond : le lanceur (droits, période, `Traitement`).

Il est au-dessus de seances.py (droits), emargement.py (période) et tasks.py (la tâche qu'il programme) : aucun d'eux
ne l'importe.
"""
from datetime import date

from operations.models import Operation, Traitement
from operations.traitements import traitement_lancer
from operations.workflow import ActionRefusee

from .emargement import Periode
from .seances import exiger_porteur_ou_animation
from .tasks import generer_emargements


def emargements_lancer(*, user, operations: list[Operation], du: date, au: date, par: str) -> Traitement:
    """Les feuilles de plusieurs actions en un traitement Celery (barre d'avancement, archive ZIP au bout)."""
    if not operations:
        raise ActionRefusee("Actions : cochez au moins une action.")
    try:
        periode = Periode(du, au)
    except ValueError as erreur:
        raise ActionRefusee(str(erreur)) from None
    for operation in operations:
        exiger_porteur_ou_animation(operation, user)
    return traitement_lancer(
        libelle=f"Feuilles d'émargement du {du:%d/%m/%Y} au {au:%d/%m/%Y} ({len(operations)} action(s))", user=user,
        tache=generer_emargements,
        arguments=([o.pk for o in operations], periode.debut.isoformat(), periode.fin.isoformat(), par))
