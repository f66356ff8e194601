from django.contrib.auth.models import AbstractUser
from django.db import models

from .normalisation import cle_de_recherche


class Structure(models.Model):
    """Une personne morale connue du PLIE : porteur, prestataire, prescripteur, financeur, entreprise."""

    class Categorie(models.TextChoices):
        ANIMATION = "animation", "Structure d'animation du PLIE"
        PORTEUR = "porteur", "Porteur de projet"
        PRESTATAIRE = "prestataire", "Prestataire"
        PRESCRIPTEUR = "prescripteur", "Prescripteur"
        FINANCEUR = "financeur", "Financeur"
        ENTREPRISE = "entreprise", "Entreprise"

    nom = models.CharField("nom", max_length=200, unique=True)
    sigle = models.CharField("sigle", max_length=50, blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    adresse = models.TextField("adresse", blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    representant = models.CharField("représentant légal", max_length=200, blank=True)

    class Meta:
        ordering = ["nom"]
        verbose_name = "structure"

    def __str__(self):
        return self.sigle or self.nom


class Utilisateur(AbstractUser):
    """Un compte. Son rôle est son groupe ; porteurs et référents sont rattachés à une structure."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", null=True, blank=True, on_delete=models.PROTECT, related_name="utilisateurs"
    )

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class ReferentielQuerySet(models.QuerySet):
    def par_cle(self, texte: str):
        return self.filter(cle=cle_de_recherche(texte))


class Commune(models.Model):
    """Commune du territoire : seuls ses habitants sont éligibles au PLIE."""

    nom = models.CharField("nom", max_length=100, unique=True)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True)
    cle = models.CharField(max_length=100, unique=True, editable=False)

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]

    def save(self, *args, **kwargs):
        self.cle = cle_de_recherche(self.nom)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.nom


class Qpv(models.Model):
    """Quartier prioritaire de la politique de la ville (ou quartier de veille)."""

    nom = models.CharField("nom", max_length=150, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="qpv")
    veille = models.BooleanField("quartier de veille", default=False)
    cle = models.CharField(max_length=150, unique=True, editable=False)

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "QPV"
        verbose_name_plural = "QPV"

    def save(self, *args, **kwargs):
        self.cle = cle_de_recherche(self.nom)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.nom


class Prescripteur(models.Model):
    code = models.CharField("code", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class Financeur(models.Model):
    """Un financeur d'un plan de financement (FSE, métropole, département, État, autofinancement...)."""

    code = models.CharField("code", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    est_fse = models.BooleanField("fonds social européen", default=False)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle
