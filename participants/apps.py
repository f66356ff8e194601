from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from operations.bureau import inscrire
        from operations.programmes import VERIFICATIONS
        from operations.views.fiche import ENCARTS_DE_LA_FICHE, LIENS_DE_LA_FICHE

        # Vérifications des critères ; modèles Word du rapport et de l'émargement déclarés.
        from . import checks, documents, emargement  # noqa: F401
        from .participations import verifier_programme
        from .realisation import encart_de_la_fiche
        from .seances import liens_de_la_fiche
        from .selectors import rubriques_du_bureau
        from .selectors_clauses import liens_de_la_fiche as heures_des_clauses

        if encart_de_la_fiche not in ENCARTS_DE_LA_FICHE:
            ENCARTS_DE_LA_FICHE.append(encart_de_la_fiche)
        for liens in (liens_de_la_fiche, heures_des_clauses):
            if liens not in LIENS_DE_LA_FICHE:
                LIENS_DE_LA_FICHE.append(liens)
        if verifier_programme not in VERIFICATIONS:
            VERIFICATIONS.append(verifier_programme)
        inscrire(rubriques_du_bureau)  # ce que l'app met sur le bureau de chacun (operations.bureau)
