from django.contrib.auth.models import AbstractUser
from django.db import DatabaseError, models

from .normalisation import cle_de_recherche


class OrganismePivot(models.Model):
    """Organisme intermédiaire pivot : il instruit, conventionne et contrôle les opérations de plusieurs PLIE."""

    nom = models.CharField("nom", max_length=200, unique=True)

    class Meta:
        ordering = ["nom"]
        verbose_name = "organisme intermédiaire pivot"
        verbose_name_plural = "organismes intermédiaires pivots"

    def __str__(self):
        return self.nom


class Plie(models.Model):
    """Un PLIE de l'installation : ses données (territoire, structures, opérations, participants...) ne se mêlent
    jamais à celles d'un autre. Une installation d'un seul PLIE n'en montre rien (docs/plie.md)."""

    nom = models.CharField("nom", max_length=200, unique=True,
                           help_text="Le nom du PLIE, tel que le lisent les partenaires (« PLIE du Beaunois »).")
    organisme_nom = models.CharField(
        "organisme signataire", max_length=200, blank=True,
        help_text="La personne morale qui porte le PLIE et signe les conventions (GIP, association...) ; "
                  "à défaut, le nom du PLIE.")
    sigle = models.CharField("sigle", max_length=30, unique=True,
                             help_text="Préfixe des numéros de convention : « PLIE » donne PLIE-2016-003.")
    prefixe_operations = models.CharField(
        "préfixe des codes d'opération", max_length=20, unique=True,
        help_text="« OP » donne OP-2016-001 ; chaque PLIE de l'installation a le sien.")
    adresse = models.TextField("adresse", blank=True)
    commune = models.CharField("commune du siège", max_length=100, blank=True)
    representant = models.CharField("représentant légal", max_length=200, blank=True)
    qualite = models.CharField("qualité du représentant", max_length=200, blank=True)
    pivot = models.ForeignKey(OrganismePivot, verbose_name="organisme intermédiaire pivot", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="plies")

    class Meta:
        ordering = ["nom"]
        verbose_name = "PLIE"
        verbose_name_plural = "PLIE"

    def __str__(self):
        return self.nom

    @property
    def organisme(self) -> dict:
        """Ce que les documents (conventions, avenants) disent de l'organisme signataire."""
        return {"nom": self.organisme_nom or self.nom, "adresse": self.adresse, "commune": self.commune,
                "representant": self.representant, "qualite": self.qualite}


def plies_accessibles(user) -> list[int]:
    """Tous les PLIE où le compte peut travailler, sans tenir compte du sélecteur (voir `annuaire.plies`)."""
    if not user or not user.is_authenticated:
        return []
    if not hasattr(user, "_plies_accessibles"):
        if user.pivot_id:
            ids = list(Plie.objects.filter(pivot_id=user.pivot_id).values_list("pk", flat=True))
        elif user.plie_id:
            ids = [user.plie_id]
        elif user.is_superuser:
            ids = list(Plie.objects.values_list("pk", flat=True))
        else:
            ids = []
        user._plies_accessibles = ids
    return user._plies_accessibles


def plies_de(user) -> list[int]:
    """Les PLIE dont l'utilisateur voit les données maintenant : ceux du sélecteur s'il en a choisi un. Chaque
    fonction de portée (`visible_to`) le croise avec ses propres règles."""
    accessibles = plies_accessibles(user)
    choisi = getattr(user, "plie_choisi_id", None)
    return [choisi] if choisi in accessibles else accessibles


class DuPlieQuerySet(models.QuerySet):
    """Données rangées par PLIE (champ `plie`) : un utilisateur ne voit que celles de ses PLIE."""

    def visible_to(self, user):
        return self.filter(plie__in=plies_de(user))


def seul_plie() -> "Plie | None":
    """Le PLIE d'une installation qui n'en a qu'un (tâche, commande, document sans utilisateur), sinon None."""
    try:
        plies = list(Plie.objects.all()[:2])
    except (DatabaseError, RuntimeError):
        # Base pas encore migrée, ou interdite (pytest sans base) : les contrôles de Django instancient un compte.
        return None
    return plies[0] if len(plies) == 1 else None


def plie_par_defaut():
    """Le PLIE d'un enregistrement qui n'en précise pas : le seul de l'installation, sinon aucun.

    Avec plusieurs PLIE, chaque création doit dire le sien : la contrainte NOT NULL refuse l'oubli au lieu de
    ranger la donnée chez le premier venu."""
    seul = seul_plie()
    return seul.pk if seul else None


class Structure(models.Model):
    """Une personne morale connue du PLIE : porteur, prestataire, prescripteur, financeur, entreprise."""

    class Categorie(models.TextChoices):
        ANIMATION = "animation", "Structure d'animation du PLIE"
        PORTEUR = "porteur", "Porteur de projet"
        PRESTATAIRE = "prestataire", "Prestataire"
        PRESCRIPTEUR = "prescripteur", "Prescripteur"
        FINANCEUR = "financeur", "Financeur"
        ENTREPRISE = "entreprise", "Entreprise"

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="structures")
    nom = models.CharField("nom", max_length=200)
    sigle = models.CharField("sigle", max_length=50, blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    adresse = models.TextField("adresse", blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    representant = models.CharField("représentant légal", max_length=200, blank=True)

    objects = DuPlieQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "structure"
        constraints = [models.UniqueConstraint("plie", "nom", name="structure_nom_unique_par_plie")]

    def __str__(self):
        return self.sigle or self.nom


class Utilisateur(AbstractUser):
    """Un compte. Son rôle est son groupe ; porteurs et référents sont rattachés à une structure."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", null=True, blank=True, on_delete=models.PROTECT, related_name="utilisateurs"
    )
    # Un compte appartient à un PLIE ; celui d'un organisme pivot travaille pour tous les PLIE du pivot.
    # Ni l'un ni l'autre : administrateur de l'installation (superutilisateur) ou compte sans accès.
    plie = models.ForeignKey(Plie, verbose_name="PLIE", null=True, blank=True, default=plie_par_defaut,
                             on_delete=models.PROTECT, related_name="utilisateurs")
    pivot = models.ForeignKey(OrganismePivot, verbose_name="organisme intermédiaire pivot", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="utilisateurs",
                              help_text="Pour un gestionnaire ou un membre de l'animation de l'OI pivot.")

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class ReferentielQuerySet(DuPlieQuerySet):
    def par_cle(self, texte: str):
        return self.filter(cle=cle_de_recherche(texte))


class Commune(models.Model):
    """Commune du territoire : seuls ses habitants sont éligibles au PLIE."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="communes")
    nom = models.CharField("nom", max_length=100)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True)
    cle = models.CharField(max_length=100, editable=False)

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [models.UniqueConstraint("plie", "cle", name="commune_unique_par_plie")]

    def save(self, *args, **kwargs):
        self.cle = cle_de_recherche(self.nom)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.nom


class QpvQuerySet(ReferentielQuerySet):
    def visible_to(self, user):
        return self.filter(commune__plie__in=plies_de(user))


class Qpv(models.Model):
    """Quartier prioritaire de la politique de la ville (ou quartier de veille)."""

    CHEMIN_PLIE = "commune__plie"

    nom = models.CharField("nom", max_length=150)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="qpv")
    veille = models.BooleanField("quartier de veille", default=False)
    cle = models.CharField(max_length=150, editable=False)

    objects = QpvQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [models.UniqueConstraint("commune", "cle", name="qpv_unique_par_commune")]
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
