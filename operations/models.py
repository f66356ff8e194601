import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.formats import euros
from annuaire.models import Financeur, Structure
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de

from .programmes import Programme, taux_maximum_depasse
from .options import ETATS_ABANDONNABLES, ETATS_VUS_PAR_LE_COMITE, CategorieDepense, Etat
from .regles import Acteurs, Condition, libelle

ZERO = Decimal("0.00")


class TypeOperation(models.Model):
    """Portage de référents, remobilisation, clauses d'insertion... (données de référence)."""

    code = models.CharField("code", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    description = models.TextField("description", blank=True)
    actif = models.BooleanField("actif", default=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]
        verbose_name = "type d'opération"
        verbose_name_plural = "types d'opération"

    def __str__(self):
        return self.libelle


class Indicateur(models.Model):
    """Indicateur d'objectif : file active, entrées, sorties positives, heures... (données de référence)."""

    code = models.CharField("code", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    unite = models.CharField("unité", max_length=50, default="participants")
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class OperationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """La seule porte d'entrée : ce qu'un utilisateur a le droit de voir."""
        roles = roles_de(user)
        if not roles:
            return self.none()
        filtre = Q(pk__in=[])
        if roles & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}:
            filtre |= ~Q(etat=Etat.BROUILLON)
        if Role.COMITE in roles:
            filtre |= Q(etat__in=ETATS_VUS_PAR_LE_COMITE)
        if roles & ROLES_DE_STRUCTURE and user.structure_id:
            filtre |= Q(porteur_id=user.structure_id)
        return self.filter(filtre)


# --- Conditions des transitions (chacune dit pourquoi elle bloque) ---
a_des_depenses = Condition(lambda op: op.total_depenses > 0, "Le plan de financement n'a aucune dépense.")
equilibre = Condition(
    lambda op: op.total_depenses == op.total_ressources,
    lambda op: (
        f"Les ressources ({euros(op.total_ressources)}) n'équilibrent pas les dépenses "
        f"({euros(op.total_depenses)}) : écart de {euros(op.total_ressources - op.total_depenses)}."
    ),
)
a_du_fse = Condition(lambda op: op.montant_fse > 0, "Aucune ressource FSE n'est demandée.")
periode_valide = Condition(
    lambda op: op.date_debut and op.date_fin and op.date_debut <= op.date_fin,
    "La période de réalisation est incomplète ou sa fin précède son début.",
)
a_des_objectifs = Condition(lambda op: op.objectifs.exists(), "Aucun objectif n'est renseigné.")
sous_le_taux_maximum = Condition(
    lambda op: taux_maximum_depasse(op.programme, op.montant_fse, op.total_depenses) is None,
    lambda op: taux_maximum_depasse(op.programme, op.montant_fse, op.total_depenses),
)
DEMANDE_COMPLETE = [periode_valide, a_des_depenses, a_du_fse, equilibre, a_des_objectifs]


class ConditionsOuvertes(list):
    """Conditions d'une transition que les apps de plus haut niveau complètent sans que l'opération les connaisse
    (la date limite d'un appel, une analyse avant de clore l'instruction, la décision d'un comité...).

    Toujours « vraie » : django-fsm remplace une liste de conditions vide par une copie (`conditions or []`),
    et ce qu'une app ajouterait ensuite serait perdu.
    """

    def __bool__(self):
        return True


CONDITIONS_DE_DEPOT = ConditionsOuvertes(DEMANDE_COMPLETE)
# Le plan peut être ajusté pendant l'instruction : il doit encore s'équilibrer pour aller en comité.
# Le taux de cofinancement maximal du programme se vérifie à l'instruction : au-delà, pas de comité.
CONDITIONS_DE_CLOTURE_D_INSTRUCTION = ConditionsOuvertes([equilibre, sous_le_taux_maximum])
CONDITIONS_DE_PROGRAMMATION = ConditionsOuvertes()
CONDITIONS_D_AJOURNEMENT = ConditionsOuvertes()
CONDITIONS_DE_REJET = ConditionsOuvertes()
CONDITIONS_DE_CONVENTIONNEMENT = ConditionsOuvertes()
# Le bilan final (justificatifs) mène ces transitions : chacune attend que le bilan soit à l'état qui lui répond.
CONDITIONS_DE_DEPOT_DU_BILAN = ConditionsOuvertes()
CONDITIONS_DE_RENVOI_DU_BILAN = ConditionsOuvertes()
CONDITIONS_DE_REDEPOT_DU_BILAN = ConditionsOuvertes()
CONDITIONS_DE_CONTROLE = ConditionsOuvertes()
CONDITIONS_DE_SOLDE = ConditionsOuvertes()


def ajouter_condition(liste: ConditionsOuvertes, condition: Condition) -> None:
    """Appelé depuis AppConfig.ready() d'une app haute ; idempotent (ready peut être rejoué en test)."""
    if condition not in liste:
        liste.append(condition)


ANIMATION = Acteurs(Role.ANIMATION)
PORTEUR = Acteurs(Role.PORTEUR)
COMITE = Acteurs(Role.COMITE)
GESTIONNAIRE = Acteurs(Role.GESTIONNAIRE)
ANIMATION_OU_PORTEUR = Acteurs(Role.ANIMATION, Role.PORTEUR)



class Operation(ConcurrentTransitionMixin, models.Model):
    """Une opération FSE, de la demande à la clôture : un seul enregistrement, son état dit où elle en est.

    Les transitions ne sauvent rien et ne vérifient pas les droits : `operations.services` le fait.
    """

    code = models.CharField("code", max_length=30, unique=True, editable=False)
    intitule = models.CharField("intitulé", max_length=250)
    type = models.ForeignKey(TypeOperation, verbose_name="type", on_delete=models.PROTECT, related_name="operations")
    porteur = models.ForeignKey(Structure, verbose_name="porteur", on_delete=models.PROTECT, related_name="operations")
    programme = models.ForeignKey(
        Programme, verbose_name="programme européen", on_delete=models.PROTECT, related_name="operations",
        help_text="Pris de l'appel à projets ou des dates ; l'équipe d'animation peut le changer jusqu'à la signature "
                  "de la convention.")
    date_debut = models.DateField("début de réalisation")
    date_fin = models.DateField("fin de réalisation")
    description = models.TextField("description", blank=True)
    etat = FSMField("état", default=Etat.BROUILLON, choices=Etat.choices, protected=True, db_index=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demande = models.JSONField(
        "demande d'origine", null=True, blank=True, editable=False,
        help_text="Le plan de financement demandé, figé quand la convention le remplace par le plan conventionné : "
                  "montant_fse, total_depenses et plan (période, dépenses, ressources, objectifs). Vide tant que le plan "
                  "de l'opération est celui de la demande.")

    DESIGNATION = "une opération"
    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_debut", "code"]
        verbose_name = "opération"
        constraints = [
            models.CheckConstraint(condition=Q(date_fin__gte=models.F("date_debut")), name="operation_periode_ordonnee")
        ]

    def __str__(self):
        return f"{self.code} · {self.intitule}"

    def get_absolute_url(self):
        return reverse("operations:fiche", args=[self.code])

    # --- Plan de financement ---
    @property
    def total_depenses(self) -> Decimal:
        return self.depenses.aggregate(t=Sum("montant"))["t"] or ZERO

    @property
    def total_ressources(self) -> Decimal:
        return self.ressources.aggregate(t=Sum("montant"))["t"] or ZERO

    @property
    def montant_fse(self) -> Decimal:
        return self.ressources.filter(financeur__est_fse=True).aggregate(t=Sum("montant"))["t"] or ZERO

    @property
    def taux_fse(self) -> Decimal | None:
        total = self.total_depenses
        return (self.montant_fse / total).quantize(Decimal("0.0001")) if total else None

    # --- La demande d'origine : le plan ci-dessus tant qu'aucune convention ne l'a remplacé ---
    @property
    def montant_fse_demande(self) -> Decimal:
        return Decimal(self.demande["montant_fse"]) if self.demande else self.montant_fse

    @property
    def cout_total_demande(self) -> Decimal:
        return Decimal(self.demande["total_depenses"]) if self.demande else self.total_depenses

    @property
    def taux_fse_demande(self) -> Decimal | None:
        total = self.cout_total_demande
        return (self.montant_fse_demande / total).quantize(Decimal("0.0001")) if total else None

    # --- Machine à états (DESIGN.md) ---
    @transition(etat, Etat.BROUILLON, Etat.DEPOSEE, permission=PORTEUR, conditions=CONDITIONS_DE_DEPOT,
                custom=libelle("Déposer la demande"))
    def deposer(self):
        pass

    @transition(etat, Etat.DEPOSEE, Etat.INCOMPLETE, permission=ANIMATION,
                custom=libelle("Demander des compléments", motivation=True))
    def demander_complements(self):
        pass

    @transition(etat, Etat.INCOMPLETE, Etat.DEPOSEE, permission=PORTEUR, conditions=DEMANDE_COMPLETE,
                custom=libelle("Redéposer avec les compléments"))
    def completer(self):
        pass

    @transition(etat, Etat.DEPOSEE, Etat.RECEVABLE, permission=ANIMATION, custom=libelle("Déclarer recevable"))
    def declarer_recevable(self):
        pass

    @transition(etat, Etat.DEPOSEE, Etat.IRRECEVABLE, permission=ANIMATION,
                custom=libelle("Déclarer irrecevable", motivation=True))
    def declarer_irrecevable(self):
        pass

    @transition(etat, [Etat.RECEVABLE, Etat.AJOURNEE], Etat.EN_INSTRUCTION, permission=ANIMATION,
                custom=libelle("Engager l'instruction"))
    def instruire(self):
        pass

    @transition(etat, Etat.EN_INSTRUCTION, Etat.INSTRUITE, permission=ANIMATION,
                conditions=CONDITIONS_DE_CLOTURE_D_INSTRUCTION, custom=libelle("Clore l'instruction"))
    def clore_instruction(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.PROGRAMMEE, permission=COMITE, conditions=CONDITIONS_DE_PROGRAMMATION,
                custom=libelle("Programmer"))
    def programmer(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.AJOURNEE, permission=COMITE, conditions=CONDITIONS_D_AJOURNEMENT,
                custom=libelle("Ajourner", motivation=True))
    def ajourner(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.REJETEE, permission=COMITE, conditions=CONDITIONS_DE_REJET,
                custom=libelle("Rejeter", motivation=True))
    def rejeter(self):
        pass

    @transition(etat, Etat.PROGRAMMEE, Etat.CONVENTIONNEE, permission=ANIMATION, conditions=CONDITIONS_DE_CONVENTIONNEMENT,
                custom=libelle("Enregistrer la convention notifiée"))
    def conventionner(self):
        pass

    @transition(etat, Etat.CONVENTIONNEE, Etat.EN_REALISATION, permission=ANIMATION_OU_PORTEUR,
                custom=libelle("Démarrer la réalisation"))
    def demarrer(self):
        pass

    @transition(etat, Etat.EN_REALISATION, Etat.BILAN_DEPOSE, permission=PORTEUR, conditions=CONDITIONS_DE_DEPOT_DU_BILAN,
                custom=libelle("Déposer le bilan"))
    def deposer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER, permission=GESTIONNAIRE, conditions=CONDITIONS_DE_RENVOI_DU_BILAN,
                custom=libelle("Renvoyer le bilan pour correction", motivation=True))
    def renvoyer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_A_CORRIGER, Etat.BILAN_DEPOSE, permission=PORTEUR, conditions=CONDITIONS_DE_REDEPOT_DU_BILAN,
                custom=libelle("Redéposer le bilan corrigé"))
    def redeposer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_DEPOSE, Etat.BILAN_CONTROLE, permission=GESTIONNAIRE, conditions=CONDITIONS_DE_CONTROLE,
                custom=libelle("Valider le contrôle du bilan"))
    def valider_controle(self):
        pass

    @transition(etat, Etat.BILAN_CONTROLE, Etat.SOLDEE, permission=GESTIONNAIRE, conditions=CONDITIONS_DE_SOLDE,
                custom=libelle("Solder"))
    def solder(self):
        pass

    @transition(etat, ETATS_ABANDONNABLES, Etat.ABANDONNEE, permission=ANIMATION_OU_PORTEUR,
                custom=libelle("Abandonner l'opération", motivation=True))
    def abandonner(self):
        pass


class LigneDepense(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="depenses")
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieDepense.choices)
    libelle = models.CharField("libellé", max_length=250)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["categorie", "id"]
        verbose_name = "ligne de dépense"
        constraints = [models.CheckConstraint(condition=Q(montant__gte=0), name="depense_positive")]

    def __str__(self):
        return f"{self.libelle} : {euros(self.montant)}"


class LigneRessource(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="ressources")
    financeur = models.ForeignKey(Financeur, verbose_name="financeur", on_delete=models.PROTECT)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["financeur__ordre", "id"]
        verbose_name = "ligne de ressource"
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="ressource_positive"),
            models.UniqueConstraint(fields=["operation", "financeur"], name="un_financeur_par_ligne"),
        ]

    def __str__(self):
        return f"{self.financeur} : {euros(self.montant)}"


class Objectif(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="objectifs")
    indicateur = models.ForeignKey(Indicateur, verbose_name="indicateur", on_delete=models.PROTECT)
    valeur_cible = models.DecimalField("valeur cible", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["indicateur__ordre", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valeur_cible__gte=0), name="objectif_positif"),
            models.UniqueConstraint(fields=["operation", "indicateur"], name="un_objectif_par_indicateur"),
        ]

    def __str__(self):
        return f"{self.indicateur} : {self.valeur_cible}"


class Notification(models.Model):
    """Un avis adressé à un utilisateur après une transition (affiché dans l'application et envoyé par courriel)."""

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="notifications")
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
    (sans version déposée : le fichier livré dans templates/docx/). Toutes restent téléchargeables."""

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
        constraints = [models.UniqueConstraint(fields=["nature", "version"], name="modele_version_unique")]

    def __str__(self):
        return f"{self.nature}, version {self.version}"
