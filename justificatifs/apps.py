from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"

    def ready(self):
        from operations.bureau import TRANSITIONS_FAITES_AILLEURS, inscrire
        from operations.views.fiche import LIENS_DE_LA_FICHE

        # Modèles Word du bilan et du rapport de contrôle déclarés, conditions ajoutées au registre.
        from . import documents, rapport_csf, regles  # noqa: F401
        from .selectors import liens_de_la_fiche, rubriques_du_bureau

        if liens_de_la_fiche not in LIENS_DE_LA_FICHE:
            LIENS_DE_LA_FICHE.append(liens_de_la_fiche)
        inscrire(rubriques_du_bureau)  # ce que l'app met sur le bureau de chacun (operations.bureau)
        TRANSITIONS_FAITES_AILLEURS.update(t for t, _, _ in regles.OPERATION_SUIT_LE_BILAN.values())  # sur le bilan
