from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from operations.bureau import inscrire
        from operations.views.fiche import ENCARTS_DE_LA_FICHE, LIENS_DE_LA_FICHE

        # Modèles Word déclarés, conditions ajoutées au registre, récepteurs du changement de programme ; tâche de la
        # génération en lot enregistrée (Celery ne découvre que tasks.py).
        from . import documents, lots, regles, signaux  # noqa: F401
        from .selectors import rubriques_du_bureau

        if regles.liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(regles.liens_de_la_fiche)
        if regles.encart_de_la_fiche not in ENCARTS_DE_LA_FICHE:
            ENCARTS_DE_LA_FICHE.append(regles.encart_de_la_fiche)
        inscrire(rubriques_du_bureau)  # ce que l'app met sur le bureau de chacun (operations.bureau)
