from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.models import Plie, plie_par_defaut
from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.models import Operation, Programme, TypeOperation
from operations.options import Etat
from operations.regles import Acteurs, Condition, gardee, libelle

from .options import NOTE_MAX, Avis, Decision, EtatAppel, EtatComite, TypeComite

ANIMATION = Acteurs(Role.ANIMATION)
COMITE = Acteurs(Role.COMITE)



class AppelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Animation, gestionnaire, comité et administrateur voient tout ; les autres, les appels publiés."""
        roles = roles_de(user)
        if not roles:
            return self.none()
        du_plie = self.filter(plie__in=plies_de(user))
        if roles & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR, Role.COMITE}:
            return du_plie
        return du_plie.exclude(etat=EtatAppel.BROUILLON)


grille_complete = Condition(
    lambda a: a.criteres.aggregate(t=Sum("poids"))["t"] == 100,
    lambda a: f"Les poids des critères d'analyse font {a.criteres.aggregate(t=Sum('poids'))['t'] or 0} au lieu de 100.",
    libelle="Les poids des critères d'analyse font 100.",
)
dates_coherentes = Condition(
    lambda a: a.date_ouverture <= timezone.localtime(a.date_limite).date(),
    "La date limite de dépôt précède la date d'ouverture.",
    libelle="La date limite de dépôt suit la date d'ouverture.",
)
a_des_types = Condition(lambda a: a.types.exists(), "Aucun type d'opération n'est concerné par l'appel.",
                        libelle="L'appel concerne au moins un type d'opération.")


class AppelAProjets(ConcurrentTransitionMixin, models.Model):
    """Un appel à projets : le cahier des charges, l'enveloppe, les règles d'éligibilité et la grille d'analyse."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="appels")
    titre = models.CharField("titre", max_length=250)
    annee = models.PositiveSmallIntegerField("année de programmation", validators=[MinValueValidator(2000)])
    types = models.ManyToManyField(TypeOperation, verbose_name="types d'opération concernés", related_name="appels")
    programme = models.ForeignKey(Programme, verbose_name="programme européen", on_delete=models.PROTECT,
                                  related_name="appels",
                                  help_text="Les opérations qui répondent à l'appel relèvent de ce programme.")
    cahier_des_charges = models.TextField("cahier des charges")
    enveloppe_fse = models.DecimalField("enveloppe FSE (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    cofinancement_attendu = models.DecimalField(
        "cofinancement attendu (€)", max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    date_ouverture = models.DateField("ouverture des dépôts")
    date_limite = models.DateTimeField("date limite de dépôt")
    periode_debut_min = models.DateField("début de réalisation au plus tôt")
    periode_fin_max = models.DateField("fin de réalisation au plus tard")
    taux_fse_max = models.DecimalField(
        "taux FSE maximal (%)", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    etat = FSMField("état", default=EtatAppel.BROUILLON, choices=EtatAppel.choices, protected=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    DESIGNATION = "un appel à projets"
    objects = AppelQuerySet.as_manager()

    class Meta:
        ordering = ["-annee", "-date_limite"]
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        constraints = [
            models.CheckConstraint(condition=Q(periode_fin_max__gt=models.F("periode_debut_min")), name="appel_periode_ordonnee"),
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("appels_projets:appel", args=[self.pk])

    @property
    def depot_ouvert(self) -> bool:
        maintenant = timezone.now()
        return self.etat == EtatAppel.PUBLIE and self.date_ouverture <= timezone.localdate() and maintenant <= self.date_limite

    @transition(etat, EtatAppel.BROUILLON, EtatAppel.PUBLIE, permission=ANIMATION,
                conditions=gardee("appel.publier", grille_complete, dates_coherentes, a_des_types), custom=libelle("Publier l'appel"))
    def publier(self):
        pass

    @transition(etat, EtatAppel.PUBLIE, EtatAppel.CLOS, permission=ANIMATION, custom=libelle("Clore les dépôts"))
    def clore(self):
        pass

    @transition(etat, EtatAppel.CLOS, EtatAppel.CLOTURE, permission=ANIMATION, custom=libelle("Clôturer l'appel"))
    def cloturer(self):
        pass


class PieceJointeAppel(models.Model):
    """Un fichier du cahier des charges (règlement, annexes financières...)."""

    CHEMIN_PLIE = "appel__plie"

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="pieces_jointes")
    titre = models.CharField("titre", max_length=200)
    fichier = models.FileField("fichier", upload_to="appels/%Y/")
    ajoute_le = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.titre


class PieceRequise(models.Model):
    """Une pièce que chaque réponse doit porter (budget signé, statuts, RIB...)."""

    CHEMIN_PLIE = "appel__plie"

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="pieces_requises")
    libelle = models.CharField("libellé", max_length=200)
    obligatoire = models.BooleanField("obligatoire", default=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "pk"]

    def __str__(self):
        return self.libelle


class CritereAnalyse(models.Model):
    """Un critère de la grille d'analyse, noté de 0 à 5 ; les poids de la grille font 100."""

    CHEMIN_PLIE = "appel__plie"

    appel = models.ForeignKey(AppelAProjets, on_delete=models.CASCADE, related_name="criteres")
    libelle = models.CharField("critère", max_length=200)
    poids = models.PositiveSmallIntegerField("poids (%)", validators=[MinValueValidator(1), MaxValueValidator(100)])
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "pk"]
        verbose_name = "critère d'analyse"

    def __str__(self):
        return f"{self.libelle} ({self.poids} %)"


class ReponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Une réponse se voit comme son opération ; le comité ne voit que celles mises à l'ordre du jour."""
        return self.filter(operation__in=Operation.objects.visible_to(user))


class Reponse(models.Model):
    """Le lien entre une opération et l'appel auquel elle répond (il vit ici : l'opération ne connaît pas les appels)."""

    CHEMIN_PLIE = "appel__plie"

    appel = models.ForeignKey(AppelAProjets, on_delete=models.PROTECT, related_name="reponses")
    operation = models.OneToOneField(Operation, on_delete=models.CASCADE, related_name="reponse_appel")
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True)

    objects = ReponseQuerySet.as_manager()

    class Meta:
        ordering = ["operation__code"]
        verbose_name = "réponse à un appel"

    def __str__(self):
        return f"{self.operation.code} → {self.appel}"


class PieceDeposee(models.Model):
    """Un fichier déposé par le porteur avec sa réponse ; stocké hors de la racine web."""

    CHEMIN_PLIE = "reponse__appel__plie"

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="pieces")
    piece_requise = models.ForeignKey(PieceRequise, null=True, blank=True, on_delete=models.SET_NULL, related_name="depots")
    fichier = models.FileField("fichier", upload_to="reponses/%Y/%m/")
    nom_original = models.CharField("nom du fichier", max_length=250)
    type_mime = models.CharField("type", max_length=100)
    taille = models.PositiveIntegerField("taille (octets)")
    deposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deposee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["piece_requise__ordre", "pk"]

    def __str__(self):
        return self.nom_original


class VerificationRecevabilite(models.Model):
    """Une vérification manuelle de recevabilité (attestation sur l'honneur signée, cohérence du projet...)."""

    CHEMIN_PLIE = "reponse__appel__plie"

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="verifications")
    libelle = models.CharField("vérification", max_length=250)
    conforme = models.BooleanField("conforme")
    commentaire = models.TextField("commentaire", blank=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class DemandeComplements(models.Model):
    """Ce que l'animation demande au porteur, pour quand, et ce qu'il a répondu (tout est gardé)."""

    CHEMIN_PLIE = "reponse__appel__plie"

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="demandes_complements")
    objet = models.TextField("compléments demandés")
    date_limite = models.DateField("à fournir avant le")
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    demandee_le = models.DateTimeField(auto_now_add=True)
    reponse_porteur = models.TextField("réponse du porteur", blank=True)
    repondue_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    repondue_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-demandee_le"]


class Analyse(models.Model):
    """L'analyse d'une réponse par un analyste : une note par critère, un avis, un montant FSE proposé."""

    CHEMIN_PLIE = "reponse__appel__plie"

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="analyses")
    analyste = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="analyses")
    avis = models.CharField("avis proposé", max_length=20, choices=Avis.choices)
    montant_fse_propose = models.DecimalField(
        "montant FSE proposé (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    commentaire = models.TextField("synthèse de l'analyse", blank=True)
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reponse", "analyste"], name="une_analyse_par_analyste")]

    @property
    def note_ponderee(self) -> Decimal | None:
        """Moyenne des notes pondérée par les poids des critères, sur 5."""
        notes = list(self.notes.select_related("critere"))
        poids = sum(n.critere.poids for n in notes)
        if not poids:
            return None
        return (sum(Decimal(n.note) * n.critere.poids for n in notes) / poids).quantize(Decimal("0.01"))


class NoteCritere(models.Model):
    CHEMIN_PLIE = "analyse__reponse__appel__plie"

    analyse = models.ForeignKey(Analyse, on_delete=models.CASCADE, related_name="notes")
    critere = models.ForeignKey(CritereAnalyse, on_delete=models.PROTECT, related_name="notes")
    note = models.PositiveSmallIntegerField("note (0 à 5)", validators=[MaxValueValidator(NOTE_MAX)])
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["critere__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["analyse", "critere"], name="une_note_par_critere"),
            models.CheckConstraint(condition=Q(note__lte=NOTE_MAX), name="note_sur_5"),
        ]


class ComiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        roles = roles_de(user)
        du_plie = self.filter(plie__in=plies_de(user))
        if roles & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}:
            return du_plie
        if Role.COMITE in roles:
            return du_plie.filter(membres=user)
        return self.none()


class Comite(ConcurrentTransitionMixin, models.Model):
    """Un comité de programmation ou de pilotage : ses membres, son ordre du jour, ses décisions, son PV."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="comites")
    type = models.CharField("type", max_length=20, choices=TypeComite.choices, default=TypeComite.PROGRAMMATION)
    date = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    membres = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="membres", related_name="comites")
    etat = FSMField("état", default=EtatComite.PLANIFIE, choices=EtatComite.choices, protected=True)

    DESIGNATION = "un comité"
    objects = ComiteQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "comité"

    def __str__(self):
        return f"{self.get_type_display()} du {timezone.localtime(self.date):%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("appels_projets:comite", args=[self.pk])

    @transition(etat, EtatComite.PLANIFIE, EtatComite.CONVOQUE, permission=ANIMATION,
                conditions=gardee("comite.convoquer", Condition(
                    lambda c: c.points.exists(), "L'ordre du jour est vide.", libelle="L'ordre du jour a au moins un point.")),
                custom=libelle("Convoquer le comité"))
    def convoquer(self):
        pass

    @transition(etat, EtatComite.CONVOQUE, EtatComite.TENU, permission=ANIMATION, custom=libelle("Déclarer le comité tenu"))
    def tenir(self):
        pass

    @transition(etat, EtatComite.TENU, EtatComite.PV_VALIDE, permission=COMITE,
                conditions=gardee("comite.valider_pv", Condition(
                    lambda c: not c.points.filter(decision="").exists(),
                    lambda c: f"{c.points.filter(decision='').count()} opération(s) de l'ordre du jour sans décision.",
                    libelle="Chaque opération de l'ordre du jour a sa décision.",
                )),
                custom=libelle("Valider le procès-verbal", avertissement=(
                    "Chaque opération prendra l'état décidé, le procès-verbal sera produit et chaque porteur recevra "
                    "sa lettre de notification par courriel. Les décisions ne pourront plus être modifiées.")))
    def valider_pv(self):
        pass


class PointOrdreDuJour(models.Model):
    """Une opération à l'ordre du jour d'un comité, et la décision prise (qui l'a enregistrée, quand)."""

    CHEMIN_PLIE = "comite__plie"

    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="points")
    reponse = models.ForeignKey(Reponse, on_delete=models.PROTECT, related_name="points")
    ordre = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    montant_vote = models.DecimalField(
        "montant FSE voté (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    motivation = models.TextField("motivation", blank=True)
    depassement_confirme = models.BooleanField("dépassement de l'enveloppe confirmé", default=False)
    decidee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decidee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ordre", "pk"]
        constraints = [models.UniqueConstraint(fields=["comite", "reponse"], name="un_point_par_reponse")]

    def __str__(self):
        return f"{self.comite} — {self.reponse.operation.code}"

