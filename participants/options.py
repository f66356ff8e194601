from django.db import models


class Sexe(models.TextChoices):
    HOMME = "H", "Homme"
    FEMME = "F", "Femme"


class SituationEntree(models.TextChoices):
    DE = "DE", "Demandeur d'emploi"
    DELD = "DELD", "Demandeur d'emploi de longue durée"
    INACTIF = "INACTIF", "Inactif"
    EMPLOI = "EMPLOI", "En emploi"


class Reponse(models.TextChoices):
    """Réponse à une question sensible du questionnaire FSE (handicap, origine, minorité, autre désavantage) : la
    personne peut refuser de répondre, ce qui est une réponse (la fiche n'est pas incomplète) qui ne compte dans aucun
    indicateur. Règlement (UE) 2016/679, art. 9 ; règlement (UE) n° 1304/2013, annexe I (indicateurs « ** ») ;
    règlement (UE) 2021/1057, annexe I (indicateurs « ** »)."""

    OUI = "oui", "Oui"
    NON = "non", "Non"
    REFUS = "refus", "Ne souhaite pas répondre"


class SituationSortie(models.TextChoices):
    """La situation au terme de la participation (questionnaire de sortie), qui fait les indicateurs de résultat."""

    EMPLOI = "EMPLOI", "En emploi, y compris indépendant"
    FORMATION = "FORMATION", "En études ou en formation"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI", "En recherche d'emploi"
    INACTIF = "INACTIF", "Inactif, sans recherche d'emploi"


class NiveauFormation(models.TextChoices):
    ISCED_0_2 = "ISCED_0_2", "Jusqu'au premier cycle du secondaire (CITE 0 à 2)"
    ISCED_3_4 = "ISCED_3_4", "Deuxième cycle du secondaire ou post-secondaire (CITE 3 et 4)"
    ISCED_5_8 = "ISCED_5_8", "Enseignement supérieur (CITE 5 à 8)"


class CategorieSortie(models.TextChoices):
    """Les catégories de sorties positives du rapport d'activité ; vide pour une autre sortie."""

    EMPLOI = "emploi", "Emploi hors emplois aidés"
    EMPLOI_AIDE = "emploi_aide", "Emploi aidé"
    FORMATION_QUALIFIANTE = "formation_qualifiante", "Formation qualifiante"


class Secteur(models.TextChoices):
    BTP = "BTP", "Bâtiment et travaux publics"
    SERVICES = "SERVICES", "Services"


class ContratClause(models.TextChoices):
    CDD = "CDD", "CDD"
    CDDI = "CDDI", "CDDI"
    CDI = "CDI", "CDI"
    C_PRO = "C_PRO", "Contrat de professionnalisation"
    CTTI = "CTTI", "Contrat de travail temporaire d'insertion"


class StatutEntree(models.TextChoices):
    """L'entrée dans le PLIE : orientée par un prescripteur, puis validée (ou non) par la commission d'entrée.
    Un participant importé de l'outil de suivi est déjà entré (la commission s'y est tenue)."""

    ORIENTE = "oriente", "Orienté, en attente de la commission d'entrée"
    ENTRE = "entre", "Entré"
    REFUSE = "refuse", "Entrée refusée"


class DemiJournee(models.TextChoices):
    MATIN = "matin", "Matin"
    APRES_MIDI = "apres_midi", "Après-midi"


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSE = "excuse", "Excusé"


class SecteurOrientation(models.TextChoices):
    """Le secteur visé par une orientation vers le dispositif clauses : un candidat peut l'être pour les deux."""

    BTP = "BTP", "Bâtiment et travaux publics"
    SERVICES = "SERVICES", "Services"
    LES_DEUX = "LES_DEUX", "Les deux secteurs"
