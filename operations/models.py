from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.formats import euros
from annuaire.models import Financeur, Plie, Structure, plie_par_defaut
from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de

from .options import ETATS_ABANDONNABLES, ETATS_VUS_PAR_LE_COMITE, CategorieDepense, Etat
# Ce que l'application produit autour d'une opération (avis, documents, traitements, modèles Word).
from .produits import DocumentGenere, ModeleDocument, Notification, Traitement  # noqa: F401
from .programmes import Programme, taux_maximum_depasse
from .regles import Acteurs, Condition, gardee, libelle

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
        return self.filter(filtre, plie__in=plies_de(user))


# --- Conditions des transitions (chacune dit pourquoi elle bloque) ; les autres apps ajoutent les leurs au registre ---
a_des_depenses = Condition(lambda op: op.total_depenses > 0, "Le plan de financement n'a aucune dépense.",
                           libelle="Le plan de financement a au moins une dépense.")
equilibre = Condition(
    lambda op: op.total_depenses == op.total_ressources,
    lambda op: (
        f"Les ressources ({euros(op.total_ressources)}) n'équilibrent pas les dépenses "
        f"({euros(op.total_depenses)}) : écart de {euros(op.total_ressources - op.total_depenses)}."
    ),
    libelle="Les ressources équilibrent les dépenses.",
)
a_du_fse = Condition(lambda op: op.montant_fse > 0, "Aucune ressource FSE n'est demandée.",
                     libelle="Une ressource FSE est demandée.")
periode_valide = Condition(
    lambda op: op.date_debut and op.date_fin and op.date_debut <= op.date_fin,
    lambda op: ("La fin de réalisation précède son début." if op.date_debut and op.date_fin else
                f"La {' et la '.join(n for n, d in [('date de début', op.date_debut), ('date de fin', op.date_fin)] if not d)} "
                "de réalisation n'est pas renseignée." if op.date_debut or op.date_fin else
                "Les dates de début et de fin de réalisation ne sont pas renseignées."),
    libelle="La période de réalisation est complète et sa fin suit son début.",
)
a_des_objectifs = Condition(lambda op: op.objectifs.exists(), "Aucun objectif n'est renseigné.",
                            libelle="Au moins un objectif est renseigné.")
a_un_intitule = Condition(lambda op: bool(op.intitule.strip()), "L'intitulé de l'opération n'est pas renseigné.",
                          libelle="L'intitulé de l'opération est renseigné.")
a_un_type = Condition(lambda op: op.type_id is not None, "Le type d'opération n'est pas choisi.",
                      libelle="Le type d'opération est choisi.")
sous_le_taux_maximum = Condition(
    lambda op: taux_maximum_depasse(op.programme, op.montant_fse, op.total_depenses) is None,
    lambda op: taux_maximum_depasse(op.programme, op.montant_fse, op.total_depenses),
    libelle="La part FSE ne dépasse pas le taux de cofinancement maximal du programme.",
)
# Un brouillon s'enregistre incomplet (intitulé, type, dates vides) : le dépôt liste tout ce qui manque.
DEMANDE_COMPLETE = [a_un_intitule, a_un_type, periode_valide, a_des_depenses, a_du_fse, equilibre, a_des_objectifs]


ANIMATION = Acteurs(Role.ANIMATION)
PORTEUR = Acteurs(Role.PORTEUR)
COMITE = Acteurs(Role.COMITE)
GESTIONNAIRE = Acteurs(Role.GESTIONNAIRE)
ANIMATION_OU_PORTEUR = Acteurs(Role.ANIMATION, Role.PORTEUR)



SANS_INTITULE = "(brouillon sans intitulé)"


class Operation(ConcurrentTransitionMixin, models.Model):
    """Une opération FSE, de la demande à la clôture : un seul enregistrement, son état dit où elle en est.

    Les transitions ne sauvent rien et ne vérifient pas les droits : `operations.services` le fait.
    """

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="operations")
    code = models.CharField("code", max_length=30, unique=True, editable=False)
    intitule = models.CharField("intitulé", max_length=250, blank=True)
    type = models.ForeignKey(TypeOperation, verbose_name="type", on_delete=models.PROTECT, related_name="operations",
                             null=True, blank=True)
    porteur = models.ForeignKey(Structure, verbose_name="porteur", on_delete=models.PROTECT, related_name="operations")
    programme = models.ForeignKey(
        Programme, verbose_name="programme européen", on_delete=models.PROTECT, related_name="operations",
        help_text="Pris de l'appel à projets ou des dates ; l'équipe d'animation peut le changer jusqu'à la signature "
                  "de la convention.")
    date_debut = models.DateField("début de réalisation", null=True, blank=True)
    date_fin = models.DateField("fin de réalisation", null=True, blank=True)
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
        # Le tri de la liste (début, puis code, dans un sens ou dans l'autre) : une page lue dans l'index.
        indexes = [models.Index(fields=["date_debut", "code"], name="operation_ordre_liste")]

    def __str__(self):
        return f"{self.code} · {self.intitule or SANS_INTITULE}"

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

    # --- Machine à états (docs/workflows.md) ---
    @transition(etat, Etat.BROUILLON, Etat.DEPOSEE, permission=PORTEUR, conditions=gardee("operation.deposer", *DEMANDE_COMPLETE),
                custom=libelle("Déposer la demande", avertissement="Une fois déposée, la demande n'est plus modifiable, "
                                                                   "sauf si l'équipe d'animation vous demande des compléments."))
    def deposer(self):
        pass

    @transition(etat, Etat.DEPOSEE, Etat.INCOMPLETE, permission=ANIMATION,
                custom=libelle("Demander des compléments", motivation=True))
    def demander_complements(self):
        pass

    @transition(etat, Etat.INCOMPLETE, Etat.DEPOSEE, permission=PORTEUR, conditions=gardee("operation.completer", *DEMANDE_COMPLETE),
                custom=libelle("Redéposer avec les compléments",
                               avertissement="Une fois redéposée, la demande n'est plus modifiable."))
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
                conditions=gardee("operation.clore_instruction", equilibre, sous_le_taux_maximum), custom=libelle("Clore l'instruction"))
    def clore_instruction(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.PROGRAMMEE, permission=COMITE, conditions=gardee("operation.programmer"),
                custom=libelle("Programmer"))
    def programmer(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.AJOURNEE, permission=COMITE, conditions=gardee("operation.ajourner"),
                custom=libelle("Ajourner", motivation=True))
    def ajourner(self):
        pass

    @transition(etat, Etat.INSTRUITE, Etat.REJETEE, permission=COMITE, conditions=gardee("operation.rejeter"),
                custom=libelle("Rejeter", motivation=True))
    def rejeter(self):
        pass

    @transition(etat, Etat.PROGRAMMEE, Etat.CONVENTIONNEE, permission=ANIMATION, conditions=gardee("operation.conventionner"),
                custom=libelle("Enregistrer la convention notifiée"))
    def conventionner(self):
        pass

    @transition(etat, Etat.CONVENTIONNEE, Etat.EN_REALISATION, permission=ANIMATION_OU_PORTEUR,
                custom=libelle("Démarrer la réalisation"))
    def demarrer(self):
        pass

    @transition(etat, Etat.EN_REALISATION, Etat.BILAN_DEPOSE, permission=PORTEUR, conditions=gardee("operation.deposer_bilan"),
                custom=libelle("Déposer le bilan"))
    def deposer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER, permission=GESTIONNAIRE, conditions=gardee("operation.renvoyer_bilan"),
                custom=libelle("Renvoyer le bilan pour correction", motivation=True))
    def renvoyer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_A_CORRIGER, Etat.BILAN_DEPOSE, permission=PORTEUR, conditions=gardee("operation.redeposer_bilan"),
                custom=libelle("Redéposer le bilan corrigé"))
    def redeposer_bilan(self):
        pass

    @transition(etat, Etat.BILAN_DEPOSE, Etat.BILAN_CONTROLE, permission=GESTIONNAIRE, conditions=gardee("operation.valider_controle"),
                custom=libelle("Valider le contrôle du bilan"))
    def valider_controle(self):
        pass

    @transition(etat, Etat.BILAN_CONTROLE, Etat.SOLDEE, permission=GESTIONNAIRE, conditions=gardee("operation.solder"),
                custom=libelle("Solder"))
    def solder(self):
        pass

    @transition(etat, ETATS_ABANDONNABLES, Etat.ABANDONNEE, permission=ANIMATION_OU_PORTEUR,
                custom=libelle("Abandonner l'opération", motivation=True))
    def abandonner(self):
        pass


class LigneDepense(models.Model):
    CHEMIN_PLIE = "operation__plie"

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
    CHEMIN_PLIE = "operation__plie"

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
    CHEMIN_PLIE = "operation__plie"

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
