from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"

    def ready(self):
        from operations.views.fiche import LIENS_DE_LA_FICHE

        from . import documents, regles  # noqa: F401  (modèle Word du bilan déclaré, conditions ajoutées au registre)
        from .selectors import liens_de_la_fiche

        if liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(liens_de_la_fiche)
