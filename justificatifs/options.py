"""Codes et libellés des aides de l'enveloppe souple (on stocke le code, on montre le libellé)."""
from django.db import models


class EtatAide(models.TextChoices):
    DEMANDEE = "demandee", "Demandée"
    COMPLEMENT_DEMANDE = "complement_demande", "Complément demandé"
    ACCORDEE = "accordee", "Accordée"
    REFUSEE = "refusee", "Refusée"
    PAYEE = "payee", "Payée"
    ANNULEE = "annulee", "Annulée"


class MotifAide(models.TextChoices):
    """Ce que l'aide permet : prendre un emploi, suivre une formation, faire un stage."""

    EMPLOI = "EMPLOI", "Accès ou maintien dans l'emploi"
    FORMATION = "FORMATION", "Entrée ou maintien en formation"
    STAGE = "STAGE", "Stage en entreprise"


class NatureAide(models.TextChoices):
    GARDE_ENFANTS = "GARDE_ENFANTS", "Garde d'enfants"
    TRANSPORT = "TRANSPORT", "Transport"
    PERMIS = "PERMIS", "Permis de conduire"
    EQUIPEMENT = "EQUIPEMENT", "Équipement (tenue de travail, outillage)"
    HEBERGEMENT = "HEBERGEMENT", "Hébergement"
    AUTRE = "AUTRE", "Autre"
