"""Les aides de l'enveloppe souple : de petites aides individuelles (garde d'enfants, transport, permis, équipement,
hébergement) qui permettent à un participant de prendre un emploi, d'entrer en formation ou de faire un stage.

Le référent demande pour un participant qu'il suit, l'équipe d'animation accorde (au plus le montant demandé, dans le
reste de l'enveloppe), refuse ou demande un complément, puis enregistre le paiement avec sa facture. Le budget est
celui de l'opération d'enveloppe souple dont la période couvre la demande ; une aide payée est une dépense de cette
opération (son bilan et son contrôle de service fait la voient, `services_aides.reporter_aides`).
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.formats import euros
from annuaire.roles import Role, roles_de
from operations.models import Operation
from operations.options import Etat
from operations.regles import Acteurs, Condition, gardee, libelle
from participants.models import Participant

from .options import EtatAide, MotifAide, NatureAide

TYPE_ENVELOPPE = "ENVELOPPE_SOUPLE"
# Une aide se demande et s'accorde sur une enveloppe conventionnée et pas encore au bilan.
ETATS_OUVERTS = [Etat.CONVENTIONNEE, Etat.EN_REALISATION]
REFERENT = Acteurs(Role.REFERENT)
ANIMATION = Acteurs(Role.ANIMATION)
REFERENT_OU_ANIMATION = Acteurs(Role.REFERENT, Role.ANIMATION)
EQUIPE = {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}
ZERO = Decimal(0)


class AideQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Le périmètre des participants : l'équipe du PLIE voit toutes les aides ; un référent (ou le porteur de sa
        structure), celles des participants que suivent les référents de sa structure."""
        return self.filter(participant__in=Participant.objects.visible_to(user))


def budget(operation: Operation) -> Decimal:
    """Le budget de l'enveloppe : le coût total de la version conventionnée en vigueur à la fin de l'opération, sinon
    le plan de financement (une enveloppe n'a qu'une ligne de dépenses, les aides)."""
    from conventions.selectors import taux_conventionne

    conventionne = taux_conventionne(operation, au=operation.date_fin)
    return conventionne.cout_total if conventionne else operation.total_depenses


def engage(operation: Operation, *, sauf=None) -> Decimal:
    """Accordé non encore payé + payé (au montant payé)."""
    aides = Aide.objects.filter(operation=operation)
    if sauf is not None:
        aides = aides.exclude(pk=sauf.pk)
    totaux = aides.aggregate(
        accorde=Sum("montant_accorde", filter=Q(etat=EtatAide.ACCORDEE)),
        paye=Sum("montant_paye", filter=Q(etat=EtatAide.PAYEE)))
    return (totaux["accorde"] or ZERO) + (totaux["paye"] or ZERO)


def reste(operation: Operation, *, sauf=None) -> Decimal:
    return budget(operation) - engage(operation, sauf=sauf)


def message_du_reste(operation: Operation, montant: Decimal) -> str:
    return f"Il reste {euros(montant)} sur l'enveloppe {operation.date_debut.year}."


# --- Conditions des transitions (registre operations.regles.GARDES) ---
_montant_accorde = Condition(
    lambda a: a.montant_accorde is not None and ZERO < a.montant_accorde <= a.montant_demande,
    lambda a: f"Montant accordé : un montant positif, au plus le montant demandé ({euros(a.montant_demande)}).",
    libelle="Le montant accordé est positif et ne dépasse pas le montant demandé.")
_dans_le_budget = Condition(
    lambda a: a.montant_accorde is None or a.montant_accorde <= reste(a.operation, sauf=a),
    lambda a: f"Le montant accordé ({euros(a.montant_accorde)}) dépasse le reste de l'enveloppe : "
              + message_du_reste(a.operation, reste(a.operation, sauf=a)),
    libelle="Le montant accordé tient dans le reste de l'enveloppe.")
_enveloppe_ouverte = Condition(
    lambda a: a.operation.etat in ETATS_OUVERTS,
    lambda a: f"L'enveloppe {a.operation.code} est à l'état « {a.operation.get_etat_display()} » : "
              "elle n'engage plus de nouvelle aide.",
    libelle="L'enveloppe est conventionnée ou en réalisation.")
_paiement = Condition(
    lambda a: a.montant_paye is not None and ZERO < a.montant_paye <= (a.montant_accorde or ZERO)
    and a.payee_le is not None and a.beneficiaire_paiement.strip() and a.facture,
    lambda a: f"Paiement : la date, le bénéficiaire, la facture et un montant positif d'au plus "
              f"{euros(a.montant_accorde)} (le montant accordé) sont exigés.",
    libelle="Le paiement a sa date, son bénéficiaire, sa facture et un montant d'au plus le montant accordé.")


class Aide(ConcurrentTransitionMixin, models.Model):
    DESIGNATION = "cette aide"
    CHEMIN_PLIE = "participant__plie"

    participant = models.ForeignKey(Participant, verbose_name="participant", on_delete=models.PROTECT,
                                    related_name="aides")
    operation = models.ForeignKey(Operation, verbose_name="enveloppe", on_delete=models.PROTECT, related_name="aides",
                                  limit_choices_to={"type__code": TYPE_ENVELOPPE})
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="référent demandeur",
                                     on_delete=models.PROTECT, related_name="+")
    demandee_le = models.DateField("demandée le")
    motif = models.CharField("motif", max_length=12, choices=MotifAide.choices)
    nature = models.CharField("nature", max_length=15, choices=NatureAide.choices)
    montant_demande = models.DecimalField("montant demandé (€)", max_digits=10, decimal_places=2)
    justification = models.TextField("justification", max_length=1000,
                                     help_text="En quelques lignes : ce que l'aide permet (emploi, formation, stage) "
                                               "et pourquoi elle est nécessaire.")
    devis = models.FileField("devis ou facture", upload_to="aides/%Y/%m/", blank=True)
    devis_nom = models.CharField("nom du devis déposé", max_length=255, blank=True)
    devis_type = models.CharField("type du devis", max_length=120, blank=True)
    etat = FSMField("état", default=EtatAide.DEMANDEE, choices=EtatAide.choices, protected=True)
    # La décision : accord (montant) ou refus, avec sa motivation ; elle est aussi dans l'historique.
    montant_accorde = models.DecimalField("montant accordé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    decidee_le = models.DateField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="décidée par", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    motivation = models.TextField("motivation de la décision", blank=True)
    # Le paiement.
    payee_le = models.DateField("payée le", null=True, blank=True)
    montant_paye = models.DecimalField("montant payé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    beneficiaire_paiement = models.CharField("bénéficiaire du paiement", max_length=200, blank=True,
                                             help_text="Qui reçoit le virement : la crèche, l'auto-école, le "
                                                       "transporteur, ou le participant lui-même.")
    facture = models.FileField("facture", upload_to="aides/%Y/%m/", blank=True)
    facture_nom = models.CharField("nom de la facture déposée", max_length=255, blank=True)
    facture_type = models.CharField("type de la facture", max_length=120, blank=True)
    facture_taille = models.PositiveIntegerField("taille de la facture (octets)", null=True, blank=True)
    facture_empreinte = models.CharField("empreinte SHA-256 de la facture", max_length=64, blank=True)
    payee_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="paiement enregistré par", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = AideQuerySet.as_manager()

    class Meta:
        ordering = ["-demandee_le", "-pk"]
        verbose_name = "aide de l'enveloppe souple"
        verbose_name_plural = "aides de l'enveloppe souple"
        constraints = [
            models.CheckConstraint(condition=Q(montant_demande__gt=0), name="aide_montant_demande_positif"),
            models.CheckConstraint(condition=Q(montant_accorde__isnull=True) | Q(montant_accorde__lte=models.F("montant_demande")),
                                   name="aide_accorde_au_plus_demande"),
            models.CheckConstraint(condition=Q(montant_paye__isnull=True) | Q(montant_paye__lte=models.F("montant_accorde")),
                                   name="aide_payee_au_plus_accorde"),
        ]
        indexes = [models.Index(fields=["etat"]), models.Index(fields=["decidee_le"]), models.Index(fields=["payee_le"])]

    def __str__(self):
        return f"Aide n° {self.pk} — {self.get_nature_display()}"

    def get_absolute_url(self):
        return reverse("justificatifs:aide", args=[self.pk])

    @property
    def porteur_id(self):  # pour `Acteurs` : un référent n'agit que pour les participants de sa structure
        return self.participant.structure_referent_id

    @transition(etat, EtatAide.DEMANDEE, EtatAide.COMPLEMENT_DEMANDE, permission=ANIMATION,
                custom=libelle("Demander un complément", motivation=True))
    def demander_complement(self):
        pass

    @transition(etat, EtatAide.COMPLEMENT_DEMANDE, EtatAide.DEMANDEE, permission=REFERENT,
                custom=libelle("Renvoyer la demande complétée"))
    def completer(self):
        pass

    @transition(etat, EtatAide.DEMANDEE, EtatAide.ACCORDEE, permission=ANIMATION,
                conditions=gardee("aide.accorder", _enveloppe_ouverte, _montant_accorde, _dans_le_budget),
                custom=libelle("Accorder l'aide"))
    def accorder(self):
        pass

    @transition(etat, EtatAide.DEMANDEE, EtatAide.REFUSEE, permission=ANIMATION,
                custom=libelle("Refuser l'aide", motivation=True))
    def refuser(self):
        self.montant_accorde = None

    @transition(etat, EtatAide.ACCORDEE, EtatAide.PAYEE, permission=ANIMATION, conditions=gardee("aide.payer", _paiement),
                custom=libelle("Enregistrer le paiement"))
    def payer(self):
        pass

    @transition(etat, [EtatAide.DEMANDEE, EtatAide.COMPLEMENT_DEMANDE, EtatAide.ACCORDEE], EtatAide.ANNULEE,
                permission=REFERENT_OU_ANIMATION,
                custom=libelle("Annuler la demande", motivation=True,
                               avertissement="L'aide annulée libère son montant sur l'enveloppe ; elle ne se rouvre pas."))
    def annuler(self):
        pass


def peut_demander(user) -> bool:
    return bool(roles_de(user) & {Role.REFERENT}) and bool(user.structure_id)


# Les transitions qui demandent plus qu'une motivation ont leur formulaire sur la page de l'aide.
TRANSITIONS_A_FORMULAIRE = {"accorder", "payer"}
