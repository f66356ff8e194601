from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "pilotage"
    verbose_name = "Pilotage"

    def ready(self):
        from operations.bureau import inscrire

        # Modèle Word déclaré ; tâche planifiée enregistrée (Celery ne découvre que tasks.py).
        from . import documents, planifiees  # noqa: F401
        from .selectors import rubriques_du_bureau

        inscrire(rubriques_du_bureau)  # la lettre du mois à relire et envoyer (operations.bureau)
