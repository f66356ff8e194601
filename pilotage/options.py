"""Codes et libellés du pilotage (on stocke le code, jamais le libellé)."""
from django.db import models


class CategorieDestinataire(models.TextChoices):
    FINANCEUR = "financeur", "Financeur"
    PRESCRIPTEUR = "prescripteur", "Prescripteur"
    PORTEUR = "porteur", "Porteur de projet"
    REFERENT = "referent", "Référent de parcours"


class EtatLettre(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    ENVOYEE = "envoyee", "Envoyée"
