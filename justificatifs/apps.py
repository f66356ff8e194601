from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"

    def ready(self):
        from operations import models as operations
        from operations.views.fiche import LIENS_DE_LA_FICHE

        from . import documents, regles  # noqa: F401  (le modèle Word du bilan est déclaré)
        from .selectors import liens_de_la_fiche

        for liste, condition in [(operations.CONDITIONS_DE_DEPOT_DU_BILAN, regles.DEPOT),
                                 (operations.CONDITIONS_DE_RENVOI_DU_BILAN, regles.RENVOI),
                                 (operations.CONDITIONS_DE_REDEPOT_DU_BILAN, regles.REDEPOT),
                                 (operations.CONDITIONS_DE_CONTROLE, regles.CONTROLE),
                                 (operations.CONDITIONS_DE_SOLDE, regles.SOLDE)]:
            operations.ajouter_condition(liste, condition)
        if liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(liens_de_la_fiche)
