from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"

    def ready(self):
        from operations.views.fiche import LIENS_DE_LA_FICHE

        # Modèles Word du bilan et du rapport de contrôle déclarés, conditions ajoutées au registre.
        from . import documents, rapport_csf, regles  # noqa: F401
        from .selectors import liens_de_la_fiche

        if liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(liens_de_la_fiche)
