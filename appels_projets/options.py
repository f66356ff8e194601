from django.db import models


class EtatAppel(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    PUBLIE = "publie", "Publié"
    CLOS = "clos", "Clos (dépôts terminés)"
    CLOTURE = "cloture", "Clôturé"


class EtatComite(models.TextChoices):
    PLANIFIE = "planifie", "Planifié"
    CONVOQUE = "convoque", "Convoqué"
    TENU = "tenu", "Tenu"
    PV_VALIDE = "pv_valide", "Procès-verbal validé"


class TypeComite(models.TextChoices):
    PROGRAMMATION = "programmation", "Comité de programmation"
    PILOTAGE = "pilotage", "Comité de pilotage"


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class Decision(models.TextChoices):
    PROGRAMMEE = "programmee", "Programmée"
    AJOURNEE = "ajournee", "Ajournée"
    REJETEE = "rejetee", "Rejetée"


# La transition de l'opération que chaque décision du comité déclenche à la validation du PV.
TRANSITION_DE_LA_DECISION = {Decision.PROGRAMMEE: "programmer", Decision.AJOURNEE: "ajourner", Decision.REJETEE: "rejeter"}
NOTE_MAX = 5
