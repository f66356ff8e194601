from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from operations.views.fiche import LIENS_DE_LA_FICHE

        from . import documents, regles  # noqa: F401  (modèles Word déclarés, conditions ajoutées au registre)

        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
