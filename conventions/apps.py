from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from operations import models as operations
        from operations.views.fiche import LIENS_DE_LA_FICHE

        # Modèles Word déclarés ; récepteurs du changement de programme de l'opération.
        from . import documents, regles, signaux  # noqa: F401

        operations.ajouter_condition(operations.CONDITIONS_DE_CONVENTIONNEMENT, regles.convention_notifiee)
        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
