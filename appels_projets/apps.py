from django.apps import AppConfig


class AppelsProjetsConfig(AppConfig):
    name = "appels_projets"
    verbose_name = "Appels à projets"

    def ready(self):
        from operations import models as operations
        from operations.views.fiche import LIENS_DE_LA_FICHE

        from . import documents, regles, signaux  # noqa: F401  (modèles Word déclarés, récepteurs des transitions)

        operations.ajouter_condition(operations.CONDITIONS_DE_DEPOT, regles.avant_la_date_limite)
        operations.ajouter_condition(operations.CONDITIONS_DE_CLOTURE_D_INSTRUCTION, regles.analysee)
        for liste, decidee in zip([operations.CONDITIONS_DE_PROGRAMMATION, operations.CONDITIONS_D_AJOURNEMENT,
                                   operations.CONDITIONS_DE_REJET], regles.DECIDEE_EN_COMITE.values(), strict=True):
            operations.ajouter_condition(liste, decidee)
        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
