"""Codes et libellés de l'app opérations : en base on stocke le code, jamais le libellé."""
from django.db import models


class Etat(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée"
    INCOMPLETE = "incomplete", "Incomplète"
    RECEVABLE = "recevable", "Recevable"
    IRRECEVABLE = "irrecevable", "Irrecevable"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    INSTRUITE = "instruite", "Instruite"
    PROGRAMMEE = "programmee", "Programmée"
    AJOURNEE = "ajournee", "Ajournée"
    REJETEE = "rejetee", "Rejetée"
    CONVENTIONNEE = "conventionnee", "Conventionnée"
    EN_REALISATION = "en_realisation", "En réalisation"
    BILAN_DEPOSE = "bilan_depose", "Bilan déposé"
    BILAN_A_CORRIGER = "bilan_a_corriger", "Bilan à corriger"
    BILAN_CONTROLE = "bilan_controle", "Bilan contrôlé"
    SOLDEE = "soldee", "Soldée"
    ABANDONNEE = "abandonnee", "Abandonnée"


ETATS_FINAUX = [Etat.IRRECEVABLE, Etat.REJETEE, Etat.SOLDEE, Etat.ABANDONNEE]
ETATS_ABANDONNABLES = [e for e in Etat.values if e not in ETATS_FINAUX]
# Le porteur peut encore modifier sa demande tant qu'elle n'est pas (re)déposée.
ETATS_MODIFIABLES = [Etat.BROUILLON, Etat.INCOMPLETE]
# Le comité ne voit que ce qui lui a été soumis, c'est-à-dire ce qui a été instruit.
ETATS_VUS_PAR_LE_COMITE = [
    Etat.INSTRUITE, Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE, Etat.CONVENTIONNEE,
    Etat.EN_REALISATION, Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER, Etat.BILAN_CONTROLE, Etat.SOLDEE,
]


class CategorieDepense(models.TextChoices):
    PERSONNEL = "personnel", "Dépenses directes de personnel"
    FONCTIONNEMENT = "fonctionnement", "Dépenses directes de fonctionnement"
    PRESTATIONS = "prestations", "Dépenses de prestations de services"
    INDIRECTES = "indirectes", "Dépenses indirectes au forfait"
