from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"

    def ready(self):
        from operations.bureau import TRANSITIONS_FAITES_AILLEURS, inscrire
        from operations.views.fiche import LIENS_DE_LA_FICHE
        from participants.rapport import PARTIES_DU_RAPPORT
        from participants.views import LIENS_DE_LA_FICHE as LIENS_DU_PARTICIPANT

        # Modèles Word du bilan et du rapport de contrôle déclarés, conditions ajoutées au registre.
        from . import documents, rapport_csf, regles  # noqa: F401
        from .selectors import liens_de_la_fiche, rubriques_du_bureau

        from .rapport_aides import PARTIE_ENVELOPPE
        from .selectors_aides import liens_de_l_enveloppe, liens_du_participant

        for registre, fournir in ((LIENS_DE_LA_FICHE, liens_de_la_fiche), (LIENS_DE_LA_FICHE, liens_de_l_enveloppe),
                                  (LIENS_DU_PARTICIPANT, liens_du_participant)):
            if fournir not in registre:
                registre.append(fournir)
        PARTIES_DU_RAPPORT[PARTIE_ENVELOPPE.cle] = PARTIE_ENVELOPPE  # la partie « enveloppe souple » du rapport
        inscrire(rubriques_du_bureau)  # ce que l'app met sur le bureau de chacun (operations.bureau)
        TRANSITIONS_FAITES_AILLEURS.update(t for t, _, _ in regles.OPERATION_SUIT_LE_BILAN.values())  # sur le bilan
