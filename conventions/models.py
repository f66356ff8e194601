"""Conventions attributives de l'aide FSE, leurs avenants, et les versions successives des données de l'opération.

Une convention (et chaque avenant) suit le même cycle de signature : générée, envoyée au porteur, signée par le
porteur (qui dépose l'exemplaire signé), signée par le PLIE, notifiée. L'opération ne connaît pas ses conventions :
c'est la convention qui pointe vers elle (docs/architecture.md).
"""
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.models import Plie, plie_par_defaut
from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.models import Operation
from operations.programmes import OptionCouts, option_de_couts
from operations.regles import Acteurs, Condition, gardee, libelle

from .options import ETATS_EN_COURS, TAUX_AVANCE_PAR_DEFAUT, EtatSignature

ANIMATION = Acteurs(Role.ANIMATION)
PORTEUR = Acteurs(Role.PORTEUR)

depose_par_le_porteur = Condition(lambda d: bool(d.exemplaire_porteur), "L'exemplaire signé par le porteur n'est pas déposé.",
                                  libelle="L'exemplaire signé par le porteur est déposé.")
depose_signe_des_deux = Condition(lambda d: bool(d.exemplaire_signe), "L'exemplaire signé des deux parties n'est pas déposé.",
                                  libelle="L'exemplaire signé des deux parties est déposé.")


class VersionOperation(models.Model):
    """Les données conventionnées de l'opération (période, plan de financement, objectifs) à une date.

    La version 1 est celle de la convention (le plan demandé, l'aide FSE ramenée au montant voté) ; chaque avenant
    signé en crée une nouvelle, en vigueur à partir du jour de sa signature par le PLIE (`creee_le`). Les lignes de
    l'opération suivent toujours la dernière. Toutes restent consultables.
    """

    CHEMIN_PLIE = "operation__plie"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("version")
    donnees = models.JSONField("données")
    creee_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        ordering = ["operation", "numero"]
        constraints = [models.UniqueConstraint(fields=["operation", "numero"], name="version_unique_par_operation")]

    def __str__(self):
        return f"{self.operation.code}, version {self.numero}"


class CompteurConventions(models.Model):
    """Le dernier numéro attribué par PLIE et par année : un numéro n'est jamais réattribué, même après une annulation."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="compteurs_conventions")
    annee = models.PositiveSmallIntegerField("année")
    dernier = models.PositiveIntegerField("dernier numéro attribué", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plie", "annee"], name="compteur_conventions_par_plie")]


class DocumentASigner(ConcurrentTransitionMixin, models.Model):
    """Ce qu'une convention et un avenant ont en commun : numéro, cycle de signature, exemplaires signés."""

    numero = models.CharField("numéro", max_length=40, unique=True)
    etat = FSMField("état", default=EtatSignature.GENEREE, choices=EtatSignature.choices, protected=True)
    version = models.OneToOneField(VersionOperation, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    exemplaire_porteur = models.FileField("exemplaire signé par le porteur", upload_to="signatures/%Y/", blank=True)
    exemplaire_signe = models.FileField("exemplaire signé des deux parties", upload_to="signatures/%Y/", blank=True)
    generee_le = models.DateTimeField("générée le", auto_now_add=True)
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    relancee_le = models.DateTimeField("dernière relance", null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.numero

    @property
    def porteur_id(self):  # pour `Acteurs` : un porteur n'agit que sur les documents de sa structure
        return self.operation.porteur_id

    @transition(etat, EtatSignature.GENEREE, EtatSignature.ENVOYEE, permission=ANIMATION,
                custom=libelle("Envoyer au porteur pour signature"))
    def envoyer(self):
        pass

    @transition(etat, EtatSignature.ENVOYEE, EtatSignature.SIGNEE_PORTEUR, permission=PORTEUR,
                conditions=gardee("convention.signer_porteur", depose_par_le_porteur), custom=libelle("Déclarer signée par le porteur"))
    def signer_porteur(self):
        pass

    @transition(etat, EtatSignature.SIGNEE_PORTEUR, EtatSignature.ENVOYEE, permission=ANIMATION,
                custom=libelle("Refuser l'exemplaire du porteur", motivation=True))
    def refuser_exemplaire(self):
        pass

    @transition(etat, EtatSignature.SIGNEE_PORTEUR, EtatSignature.SIGNEE, permission=ANIMATION,
                conditions=gardee("convention.signer", depose_signe_des_deux), custom=libelle("Déclarer signée par le PLIE"))
    def signer(self):
        pass

    @transition(etat, EtatSignature.SIGNEE, EtatSignature.NOTIFIEE, permission=ANIMATION,
                custom=libelle("Notifier au porteur", avertissement=(
                    "Le porteur reçoit l'exemplaire signé des deux parties ; le document ne pourra plus changer.")))
    def notifier(self):
        pass


def _visible_to(queryset, user, chemin_operation: str):
    """Animation, gestionnaire, comité et administrateur voient tout ; une structure, ses seuls documents."""
    roles = roles_de(user)
    queryset = queryset.filter(**{f"{chemin_operation}plie__in": plies_de(user)})
    if roles & {Role.ANIMATION, Role.GESTIONNAIRE, Role.COMITE, Role.ADMINISTRATEUR}:
        return queryset
    if roles & ROLES_DE_STRUCTURE and user.structure_id:
        return queryset.filter(**{f"{chemin_operation}porteur_id": user.structure_id})
    return queryset.none()


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _visible_to(self, user, "operation__")


class Convention(DocumentASigner):
    """La convention attributive de l'aide FSE d'une opération programmée (une par opération)."""

    DESIGNATION = "cette convention"
    CHEMIN_PLIE = "operation__plie"

    operation = models.OneToOneField(Operation, on_delete=models.PROTECT, related_name="convention")
    montant_fse = models.DecimalField(
        "aide FSE conventionnée (€)", max_digits=12, decimal_places=2,
        help_text="L'aide FSE de la version 1 : le montant voté par le comité. Un avenant signé la remplace à partir "
                  "de sa date (la version en vigueur fait foi).")
    taux_avance = models.DecimalField("taux de l'avance", max_digits=5, decimal_places=4, default=TAUX_AVANCE_PAR_DEFAUT,
                                      help_text="Part de l'aide versée à la signature, par exemple 30 %.")
    regime_couts = models.CharField(
        "option de coûts simplifiés", max_length=40,
        help_text="Le code d'une option de coûts offerte par le programme de l'opération (libellé, taux et article "
                  "sont lus dans le programme).")
    extrapolation_autorisee = models.BooleanField(
        "extrapolation du taux d'erreur autorisée", default=False,
        help_text="Le contrôle de service fait peut porter sur un échantillon et extrapoler le taux d'erreur.")

    objects = ConventionQuerySet.as_manager()

    class Meta:
        ordering = ["-numero"]

    @property
    def titre(self) -> str:
        return f"Convention n° {self.numero}"

    @property
    def option_couts(self) -> OptionCouts:
        """L'option choisie, lue dans le programme de l'opération ; RegleInconnue s'il ne l'offre pas (ou plus)."""
        return option_de_couts(self.operation.programme, self.regime_couts)

    @property
    def avance(self) -> Decimal:
        """L'avance versée à la signature, arrondie au centime le plus proche (celle qu'annonce la convention)."""
        return (self.montant_fse * self.taux_avance).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def get_absolute_url(self):
        return reverse("conventions:fiche", args=[self.operation.code])


class AvenantQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _visible_to(self, user, "convention__operation__")


class Avenant(DocumentASigner):
    """Un changement de période, de plan de financement ou d'objectifs d'une opération conventionnée.

    `avant` et `apres` sont les données de l'opération (même forme que VersionOperation.donnees) : l'avenant montre
    chaque chiffre changé, et ses données deviennent la version courante de l'opération une fois signé.
    """

    DESIGNATION = "cet avenant"
    CHEMIN_PLIE = "convention__operation__plie"

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="avenants")
    rang = models.PositiveSmallIntegerField("rang")
    motif = models.TextField("objet de l'avenant")
    avant = models.JSONField("données avant l'avenant")
    apres = models.JSONField("données après l'avenant")

    objects = AvenantQuerySet.as_manager()

    class Meta:
        ordering = ["convention", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "rang"], name="avenant_unique_par_rang"),
            # Un seul avenant en cours par convention : ses « données avant » doivent rester celles de l'opération.
            models.UniqueConstraint(fields=["convention"], condition=Q(etat__in=ETATS_EN_COURS),
                                    name="un_avenant_en_cours_par_convention"),
        ]

    @property
    def operation(self):
        return self.convention.operation

    @property
    def titre(self) -> str:
        return f"Avenant n° {self.rang} ({self.numero})"

    def get_absolute_url(self):
        return reverse("conventions:avenant", args=[self.operation.code, self.rang])

    @transition("etat", [EtatSignature.GENEREE, EtatSignature.ENVOYEE], EtatSignature.ANNULEE, permission=ANIMATION,
                custom=libelle("Annuler l'avenant", motivation=True))
    def annuler(self):
        pass

