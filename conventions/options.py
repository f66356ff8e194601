from decimal import Decimal

from django.db import models


class EtatSignature(models.TextChoices):
    """Le cycle de signature, le même pour une convention et pour un avenant."""

    GENEREE = "generee", "Générée"
    ENVOYEE = "envoyee", "Envoyée au porteur"
    SIGNEE_PORTEUR = "signee_porteur", "Signée par le porteur"
    SIGNEE = "signee", "Signée par le PLIE"
    NOTIFIEE = "notifiee", "Notifiée"
    ANNULEE = "annulee", "Annulée"


ETATS_EN_COURS = [EtatSignature.GENEREE, EtatSignature.ENVOYEE, EtatSignature.SIGNEE_PORTEUR, EtatSignature.SIGNEE]


# Le financeur du référentiel (annuaire) qui porte l'écart quand le comité vote moins que l'aide demandée.
FINANCEUR_DE_L_ECART = "AUTOFINANCEMENT"

TAUX_AVANCE_PAR_DEFAUT = Decimal("0.30")
