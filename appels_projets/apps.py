from django.apps import AppConfig


class AppelsProjetsConfig(AppConfig):
    name = "appels_projets"
    verbose_name = "Appels à projets"

    def ready(self):
        from operations.models import CONDITIONS_DE_CLOTURE_D_INSTRUCTION, CONDITIONS_DE_DEPOT, ajouter_condition

        from . import documents, regles, signaux  # noqa: F401  (modèles Word déclarés, récepteurs des transitions)

        ajouter_condition(CONDITIONS_DE_DEPOT, regles.avant_la_date_limite)
        ajouter_condition(CONDITIONS_DE_CLOTURE_D_INSTRUCTION, regles.analysee)
