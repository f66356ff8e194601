from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from operations import models as operations
        from operations.views.fiche import ENCARTS_DE_LA_FICHE, LIENS_DE_LA_FICHE

        from . import documents, regles  # noqa: F401  (modèles Word déclarés)

        operations.ajouter_condition(operations.CONDITIONS_DE_CONVENTIONNEMENT, regles.convention_notifiee)
        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
        if regles.encart_de_la_fiche not in ENCARTS_DE_LA_FICHE:
            ENCARTS_DE_LA_FICHE.append(regles.encart_de_la_fiche)
