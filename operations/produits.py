"""Ce que l'application produit autour d'une opération : les avis envoyés après une transition, les documents
générés (avec leur empreinte), les traitements de fond lancés depuis une page, les versions des modèles Word."""
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.urls import reverse

from annuaire.models import Plie, plie_par_defaut


class Notification(models.Model):
    """Un avis adressé à un utilisateur après une transition (affiché dans l'application et envoyé par courriel)."""

    CHEMIN_PLIE = "operation__plie"

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    operation = models.ForeignKey("operations.Operation", on_delete=models.CASCADE, related_name="notifications")
    journal = models.ForeignKey("django_fsm_log.StateLog", on_delete=models.CASCADE, related_name="+")
    objet = models.CharField("objet", max_length=250)
    message = models.TextField("message")
    creee_le = models.DateTimeField("créée le", auto_now_add=True)
    lue = models.BooleanField("lue", default=False)

    class Meta:
        ordering = ["-creee_le"]
        constraints = [
            # Une tâche rejouée ne notifie pas deux fois la même personne du même changement d'état.
            models.UniqueConstraint(fields=["destinataire", "journal"], name="notification_unique")
        ]

    def __str__(self):
        return self.objet


class DocumentGenere(models.Model):
    """Un document produit par l'application (docx, pdf), rattaché à l'objet dont il vient.

    `version_donnees` est l'empreinte du contexte de rendu : régénérer sur les mêmes données rend le
    document déjà stocké, jamais un second exemplaire ; des données changées donnent une nouvelle version.
    """

    # Celui de l'objet dont il vient (opération, convention, comité...) : le lien générique ne se suit pas en requête.
    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="documents")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    objet = GenericForeignKey("content_type", "object_id")
    nature = models.CharField("nature", max_length=50)
    nom = models.CharField("nom du fichier", max_length=200)
    fichier = models.FileField("fichier", upload_to="documents/%Y/%m/")
    empreinte = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    version_donnees = models.CharField("empreinte des données", max_length=64)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "document généré"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "nature", "version_donnees"], name="document_unique_par_version"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "nature"])]

    def __str__(self):
        return self.nom


class Traitement(models.Model):
    """Un travail long lancé depuis une page (les conventions d'un comité, des feuilles d'émargement...), exécuté par
    Celery ; la page du traitement montre son avancement puis son résultat. Son identifiant n'est pas devinable."""

    # Il n'est servi qu'au compte qui l'a lancé : son PLIE est celui de ce compte.
    CHEMIN_PLIE = "demande_par__plie"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHOUE = "echoue", "Échoué"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    libelle = models.CharField("libellé", max_length=250)
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="traitements")
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    total = models.PositiveIntegerField("éléments à traiter", default=0)
    faits = models.PositiveIntegerField("éléments traités", default=0)
    message = models.TextField("message", blank=True)
    resultat = models.CharField("adresse du résultat", max_length=300, blank=True)
    # Le fichier produit (une archive de feuilles d'émargement...), servi au seul demandeur par la page du traitement.
    fichier = models.FileField("fichier produit", upload_to="traitements/%Y/%m/", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self):
        return self.libelle

    def get_absolute_url(self):
        return reverse("operations:traitement", args=[self.pk])

    @property
    def pourcentage(self) -> int:
        return round(100 * self.faits / self.total) if self.total else (100 if self.etat == self.Etat.TERMINE else 0)


class ModeleDocument(models.Model):
    """Une version d'un modèle Word déposée par un administrateur ; la plus récente sert aux générations suivantes
    (sans version déposée : le fichier livré dans templates/docx/). Toutes restent téléchargeables.

    Un modèle peut être propre à un PLIE (papier à en-tête, signataire) : il l'emporte alors, pour ce PLIE, sur le
    modèle commun à l'installation (`plie` vide), d'où l'exception à la règle du PLIE obligatoire."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="modeles_documents",
                             help_text="Vide : modèle commun à tous les PLIE de l'installation.")
    nature = models.CharField("modèle", max_length=50)
    version = models.PositiveIntegerField("version")
    fichier = models.FileField("fichier", upload_to="modeles/%Y/")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    commentaire = models.TextField("ce qui change")
    televerse_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    televerse_le = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        ordering = ["nature", "-version"]
        verbose_name = "version de modèle Word"
        # Les versions se comptent par PLIE, et à part pour le modèle commun (un NULL ne se compare pas en unicité).
        constraints = [
            models.UniqueConstraint(fields=["nature", "version"], condition=Q(plie__isnull=True),
                                    name="modele_version_unique"),
            models.UniqueConstraint(fields=["plie", "nature", "version"], condition=Q(plie__isnull=False),
                                    name="modele_version_unique_par_plie"),
        ]

    def __str__(self):
        return f"{self.nature}, version {self.version}"
