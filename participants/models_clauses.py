"""Les données du dispositif clauses d'insertion, importées de l'outil du service clauses (docs/clauses.md) : les
heures travaillées par les salariés du dispositif et les orientations de candidats vers le dispositif.

Un salarié ou un candidat n'est pas forcément un participant du PLIE : le lien (`participant`) n'existe que si
l'extraction donne son identifiant PLIE. Employeurs et marchés restent du texte, tels que l'outil les nomme : les
pages les regroupent par leur nom, aucune autre donnée ne s'y rattache.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from annuaire.models import Plie, Prescripteur, Qpv, plie_par_defaut

from .options import ContratClause, Secteur, SecteurOrientation, Sexe

PRESCRIPTEUR_PLIE = "PLIE"  # les orientations des référents du PLIE ; tout autre prescripteur est « autre »


class HeuresClause(models.Model):
    """Les heures d'un salarié du dispositif, pour un contrat, un marché et un mois."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="heures_clauses")
    salarie = models.CharField("salarié", max_length=50, help_text="Identifiant du salarié dans l'outil clauses.")
    participant = models.ForeignKey("participants.Participant", verbose_name="participant du PLIE", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="heures_clauses")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    qpv = models.ForeignKey(Qpv, verbose_name="QPV", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employeur = models.CharField("employeur", max_length=200)
    marche = models.CharField("marché", max_length=200)
    secteur = models.CharField("secteur", max_length=10, choices=Secteur.choices)
    contrat = models.CharField("contrat", max_length=10, choices=ContratClause.choices)
    mois = models.DateField("mois", help_text="Le premier jour du mois travaillé.")
    heures = models.DecimalField("heures", max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["mois", "salarie"]
        verbose_name = "heures de clause d'insertion"
        verbose_name_plural = "heures de clauses d'insertion"
        constraints = [
            models.UniqueConstraint(fields=["plie", "salarie", "contrat", "marche", "mois"], name="heures_clause_unique_par_plie"),
            models.CheckConstraint(condition=Q(heures__gt=0), name="heures_clause_positives"),
            models.CheckConstraint(condition=Q(mois__day=1), name="heures_clause_mois_au_premier"),
        ]
        indexes = [models.Index(fields=["mois"])]

    def __str__(self):
        return f"{self.salarie}, {self.marche}, {self.mois:%m/%Y}"


class OrientationClause(models.Model):
    """L'orientation d'un candidat vers le dispositif, par un référent du PLIE ou un autre prescripteur."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="orientations_clauses")
    candidat = models.CharField("candidat", max_length=50)
    participant = models.ForeignKey("participants.Participant", verbose_name="participant du PLIE", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="orientations_clauses")
    date = models.DateField("date de l'orientation")
    prescripteur = models.ForeignKey(Prescripteur, verbose_name="prescripteur", on_delete=models.PROTECT,
                                     related_name="+")
    qpv = models.ForeignKey(Qpv, verbose_name="QPV", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    secteur = models.CharField("secteur", max_length=10, choices=SecteurOrientation.choices)
    date_validation = models.DateField("validé sur le dispositif le", null=True, blank=True)

    class Meta:
        ordering = ["date", "candidat"]
        verbose_name = "orientation vers les clauses d'insertion"
        verbose_name_plural = "orientations vers les clauses d'insertion"
        constraints = [models.UniqueConstraint(fields=["plie", "candidat", "date"], name="orientation_clause_unique_par_plie")]
        indexes = [models.Index(fields=["date"]), models.Index(fields=["date_validation"])]

    def __str__(self):
        return f"{self.candidat}, {self.date:%d/%m/%Y}"


class ImportClauses(models.Model):
    """La trace d'un import des fichiers du service clauses : qui, quand, quels fichiers, combien de lignes créées,
    modifiées, inchangées."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="imports_clauses")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    fichier_heures = models.CharField("fichier des heures", max_length=255)
    empreinte_heures = models.CharField(max_length=64)
    fichier_orientations = models.CharField("fichier des orientations", max_length=255, blank=True)
    empreinte_orientations = models.CharField(max_length=64, blank=True)
    heures_creees = models.PositiveIntegerField(default=0)
    heures_modifiees = models.PositiveIntegerField(default=0)
    heures_inchangees = models.PositiveIntegerField(default=0)
    orientations_creees = models.PositiveIntegerField(default=0)
    orientations_modifiees = models.PositiveIntegerField(default=0)
    orientations_inchangees = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-le"]
        verbose_name = "import des clauses d'insertion"
