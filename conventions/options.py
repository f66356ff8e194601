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


class RegimeCouts(models.TextChoices):
    """Options de coûts simplifiés du FSE+ (règlement 2021/1060, art. 54 et 56) : la convention en choisit une."""

    REELS = "reels", "Coûts réels (toutes les dépenses sont justifiées)"
    INDIRECTS_15 = "indirects_15", "Coûts indirects forfaitaires : 15 % des frais de personnel directs"
    INDIRECTS_20 = "indirects_20", "Coûts indirects forfaitaires : 20 % des coûts directs hors prestations"
    RESTANTS_40 = "restants_40", "Coûts restants forfaitaires : 40 % des frais de personnel directs"


TAUX_AVANCE_PAR_DEFAUT = Decimal("0.30")
