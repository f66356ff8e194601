from django.apps import AppConfig


class AppelsProjetsConfig(AppConfig):
    name = "appels_projets"
    verbose_name = "Appels à projets"

    def ready(self):
        from operations.bureau import TRANSITIONS_FAITES_AILLEURS, inscrire
        from operations.views.fiche import LIENS_DE_LA_FICHE

        # Modèles Word déclarés, conditions ajoutées au registre des transitions, récepteurs des transitions ;
        # tâches planifiées enregistrées (Celery ne découvre que tasks.py).
        from . import documents, planifiees, regles, signaux  # noqa: F401
        from .options import TRANSITION_DE_LA_DECISION
        from .selectors import rubriques_du_bureau

        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
        inscrire(rubriques_du_bureau)  # ce que l'app met sur le bureau de chacun (operations.bureau)
        TRANSITIONS_FAITES_AILLEURS.update(TRANSITION_DE_LA_DECISION.values())  # au comité, pas sur la fiche
