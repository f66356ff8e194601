"""Les participants du PLIE, leur parcours (entrée, sortie et motif) et ses étapes ; les imports qui les alimentent.

Données personnelles : un participant n'est vu que par les équipes du PLIE et par la structure qui emploie son
référent (`Participant.objects.visible_to`).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.models import Commune, Plie, Prescripteur, Qpv, Structure, plie_par_defaut
from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.models import Operation
from operations.regles import Acteurs, libelle

from .options import (
    CategorieSortie, ContratClause, DemiJournee, NiveauFormation, Reponse, Secteur, SituationEntree, SituationSortie,
    Sexe, StatutEntree, StatutPresence,
)
from .preuves import Preuve


class MotifSortie(models.Model):
    """Motif de sortie du PLIE (données de référence) : positif (et sa catégorie) ou non, neutre ou non."""

    code = models.CharField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    categorie = models.CharField("catégorie de sortie positive", max_length=30, choices=CategorieSortie.choices,
                                 blank=True)
    neutre = models.BooleanField("neutre", default=False,
                                 help_text="Indépendante du suivi : exclue du taux de sorties positives ajusté.")
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre"]
        verbose_name = "motif de sortie"
        verbose_name_plural = "motifs de sortie"

    def __str__(self):
        return self.libelle

    @property
    def positive(self) -> bool:
        return bool(self.categorie)


class TypeEtape(models.Model):
    """Type d'étape de parcours (données de référence) ; `vers_emploi` : une mise à l'emploi."""

    code = models.CharField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    vers_emploi = models.BooleanField("mise à l'emploi", default=False)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre"]
        verbose_name = "type d'étape"
        verbose_name_plural = "types d'étape"

    def __str__(self):
        return self.libelle


class ParticipantQuerySet(models.QuerySet):
    def accompagnes(self, debut, fin):
        """En parcours à un moment de la période : entrés avant sa fin, pas sortis avant son début."""
        return self.filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut), date_entree__lte=fin)

    def entres(self):
        """Ceux dont l'entrée est validée : les seuls que comptent la réalisation et le rapport d'activité."""
        return self.filter(statut_entree=StatutEntree.ENTRE)

    def visible_to(self, user):
        """Les équipes du PLIE voient tous les participants de leurs PLIE ; une structure, ceux que suivent ses
        référents."""
        roles = roles_de(user)
        if roles & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}:
            return self.filter(plie__in=plies_de(user))
        if roles & ROLES_DE_STRUCTURE and user.structure_id:
            return self.filter(plie__in=plies_de(user), structure_referent_id=user.structure_id)
        return self.none()


class Participant(ConcurrentTransitionMixin, models.Model):
    """Une personne accompagnée par le PLIE, une seule fois, identifiée par son identifiant dans l'outil de suivi.

    Son entrée est une machine à états : orientée (`services.participant_orienter`), la commission d'entrée la valide
    ou la refuse (`services.commission_d_entree`) ; importée de l'outil de suivi, elle est déjà entrée (défaut).
    """

    DESIGNATION = "l'entrée de cette personne"
    # Les deux façons d'arriver (docs/workflows.md) : importée de l'outil de suivi, déjà entrée ; orientée ici.
    ETATS_INITIAUX = [StatutEntree.ENTRE, StatutEntree.ORIENTE]

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="participants")
    identifiant = models.CharField("identifiant", max_length=50)
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    date_naissance = models.DateField("date de naissance")
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT)
    qpv = models.ForeignKey(Qpv, verbose_name="QPV", null=True, blank=True, on_delete=models.PROTECT)
    prescripteur = models.ForeignKey(Prescripteur, verbose_name="prescripteur", on_delete=models.PROTECT)
    referent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="référent", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="participants_suivis")
    referent_texte = models.CharField("référent (tel qu'importé)", max_length=150, blank=True)
    structure_referent = models.ForeignKey(Structure, verbose_name="structure du référent", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="participants")
    structure_referent_texte = models.CharField("structure du référent (telle qu'importée)", max_length=200, blank=True)
    date_entree = models.DateField("date d'entrée", help_text="Pour une orientation : la date d'entrée proposée.")
    statut_entree = FSMField("entrée", max_length=10, choices=StatutEntree.choices, default=StatutEntree.ENTRE,
                             protected=True)
    motif_refus_entree = models.TextField("motif du refus d'entrée", blank=True)
    date_sortie = models.DateField("date de sortie", null=True, blank=True)
    motif_sortie = models.ForeignKey(MotifSortie, verbose_name="motif de sortie", null=True, blank=True,
                                     on_delete=models.PROTECT)
    situation_entree = models.CharField("situation à l'entrée", max_length=10, choices=SituationEntree.choices,
                                        blank=True)
    niveau_formation = models.CharField("niveau de formation", max_length=10, choices=NiveauFormation.choices,
                                        blank=True)
    # Réponses au questionnaire d'entrée FSE (ce que demandent les indicateurs des programmes, docs/regles-fse.md) ;
    # None ou vide = non renseigné. Les questions sensibles acceptent « ne souhaite pas répondre » (`Reponse`).
    etudes_ou_formation = models.BooleanField(
        "suit des études ou une formation à l'entrée", null=True, blank=True,
        help_text="À renseigner pour une personne inactive : « inactive ne suivant ni études ni formation ».")
    beneficiaire_rsa = models.BooleanField("bénéficiaire du RSA", null=True, blank=True)
    rqth = models.CharField("handicap reconnu (RQTH ou équivalent)", max_length=5, choices=Reponse.choices, blank=True,
                            default="", db_default="")
    menage_sans_emploi = models.BooleanField("ménage sans emploi", null=True, blank=True)
    enfants_a_charge = models.BooleanField("enfants à charge", null=True, blank=True)
    parent_isole = models.BooleanField("parent isolé", null=True, blank=True)
    sans_domicile = models.BooleanField("sans domicile", null=True, blank=True)
    ressortissant_pays_tiers = models.BooleanField("ressortissant d'un pays tiers (hors Union européenne)", null=True,
                                                   blank=True)
    origine_etrangere = models.CharField("d'origine étrangère", max_length=5, choices=Reponse.choices, blank=True,
                                         default="", db_default="")
    minorite = models.CharField("appartient à une minorité (y compris les communautés marginalisées telles que les Roms)",
                                max_length=5, choices=Reponse.choices, blank=True, default="",
                                db_default="")
    autre_defavorise = models.CharField("autre situation de désavantage", max_length=5, choices=Reponse.choices,
                                        blank=True, default="", db_default="")
    zone_rurale = models.BooleanField(
        "réside en zone rurale", null=True, blank=True,
        help_text="Commune peu dense ou très peu dense (grille communale de densité de l'Insee).")
    # Questionnaire de sortie : au terme de la participation.
    situation_sortie = models.CharField("situation à la sortie", max_length=20, choices=SituationSortie.choices,
                                        blank=True, default="", db_default="")
    qualification_obtenue = models.BooleanField("qualification obtenue", null=True, blank=True)
    # Coordonnées : chaque fiche FSE en demande au moins une (téléphone, courriel, ou celles d'un contact désigné).
    telephone = models.CharField("téléphone", max_length=20, blank=True, default="", db_default="")
    courriel = models.EmailField("courriel", blank=True, default="", db_default="")
    contact_nom = models.CharField(
        "contact désigné", max_length=150, blank=True, default="", db_default="",
        help_text="Une personne qui peut joindre le participant s'il n'a ni téléphone ni courriel.")
    contact_telephone = models.CharField("téléphone du contact", max_length=20, blank=True, default="", db_default="")
    contact_courriel = models.EmailField("courriel du contact", blank=True, default="", db_default="")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["nom", "prenom"]
        constraints = [
            # L'identifiant de l'outil de suivi d'un PLIE : deux PLIE peuvent donner le même à deux personnes.
            models.UniqueConstraint("plie", "identifiant", name="participant_identifiant_unique_par_plie"),
            models.CheckConstraint(condition=Q(date_sortie__isnull=True) | Q(date_sortie__gte=models.F("date_entree")),
                                   name="sortie_apres_entree"),
            models.CheckConstraint(condition=Q(date_sortie__isnull=True) | Q(motif_sortie__isnull=False),
                                   name="sortie_avec_motif"),
        ]
        # Le tri par défaut de la liste (nom, prénom, puis la clé qui départage) : une page lue dans l'index plutôt
        # qu'un tri de toute la table à chaque affichage. L'équipe d'un PLIE lit le sien, précédé du PLIE : sans lui,
        # un petit PLIE parmi 100 parcourait l'index de tout le réseau pour trouver ses 50 lignes. Le second sert la
        # vue consolidée d'un pivot (plusieurs PLIE) et l'administration.
        indexes = [models.Index(fields=["date_entree"]), models.Index(fields=["date_sortie"]),
                   models.Index(fields=["plie", "nom", "prenom", "id"], name="participant_ordre_liste_plie"),
                   models.Index(fields=["nom", "prenom", "id"], name="participant_ordre_liste")]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.identifiant})"

    @transition(statut_entree, StatutEntree.ORIENTE, StatutEntree.ENTRE, permission=Acteurs(Role.ANIMATION),
                custom=libelle("Valider l'entrée"))
    def valider_entree(self):
        self.motif_refus_entree = ""

    @transition(statut_entree, StatutEntree.ORIENTE, StatutEntree.REFUSE, permission=Acteurs(Role.ANIMATION),
                custom=libelle("Refuser l'entrée", motivation=True))
    def refuser_entree(self):
        pass  # le motif (`motif_refus_entree`) est posé par le service, et la motivation gardée dans l'historique


class Etape(models.Model):
    """Une étape du parcours : contrat, mission, clause d'insertion, formation, action de la programmation..."""

    CHEMIN_PLIE = "participant__plie"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="etapes")
    type = models.ForeignKey(TypeEtape, verbose_name="type", on_delete=models.PROTECT)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    operation = models.ForeignKey(Operation, verbose_name="opération", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="etapes")
    heures = models.DecimalField("heures", max_digits=8, decimal_places=2, null=True, blank=True)
    employeur = models.CharField("employeur", max_length=200, blank=True)
    secteur = models.CharField("secteur", max_length=10, choices=Secteur.choices, blank=True)
    contrat_clause = models.CharField("contrat (clause d'insertion)", max_length=10, choices=ContratClause.choices,
                                      blank=True)

    class Meta:
        ordering = ["participant", "date_debut"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "type", "date_debut"], name="etape_unique"),
            models.CheckConstraint(condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                                   name="etape_fin_apres_debut"),
        ]
        indexes = [models.Index(fields=["date_debut"])]

    def __str__(self):
        return f"{self.type} du {self.date_debut:%d/%m/%Y}"


class ImportParticipants(models.Model):
    """La trace d'un import : qui, quand, quels fichiers (nom, empreinte), combien créés, modifiés, inchangés."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="imports_participants")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    fichier_participants = models.CharField("fichier des participants", max_length=255)
    empreinte_participants = models.CharField(max_length=64)
    fichier_etapes = models.CharField("fichier des étapes", max_length=255, blank=True)
    empreinte_etapes = models.CharField(max_length=64, blank=True)
    participants_crees = models.PositiveIntegerField(default=0)
    participants_modifies = models.PositiveIntegerField(default=0)
    participants_inchanges = models.PositiveIntegerField(default=0)
    etapes_creees = models.PositiveIntegerField(default=0)
    etapes_modifiees = models.PositiveIntegerField(default=0)
    etapes_inchangees = models.PositiveIntegerField(default=0)
    avertissements = models.JSONField(default=list)

    class Meta:
        ordering = ["-le"]
        verbose_name = "import de participants"


class Consultation(models.Model):
    """Chaque lecture d'une fiche de participant : qui, quand (données personnelles, consultations tracées)."""

    CHEMIN_PLIE = "participant__plie"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consultations")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-le"]


class EtatProposition(models.TextChoices):
    PROPOSEE = "proposee", "Proposée"
    VALIDEE = "validee", "Validée en commission"
    REFUSEE = "refusee", "Refusée en commission"


class PropositionSortie(ConcurrentTransitionMixin, models.Model):
    """La sortie qu'un référent propose pour un participant, que la commission de sortie valide ou refuse."""

    DESIGNATION = "cette proposition de sortie"
    CHEMIN_PLIE = "participant__plie"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="propositions_sortie")
    motif = models.ForeignKey(MotifSortie, verbose_name="motif", on_delete=models.PROTECT)
    date_sortie = models.DateField("date de sortie proposée")
    justification = models.TextField("justification", blank=True)
    # La preuve figée au moment de la proposition (participants.criteres.Preuve.en_json) ; vide pour une sortie qui
    # n'est pas positive. Une sortie positive dont le critère n'est pas rempli à sa date est une dérogation, motivée.
    preuve = models.JSONField("preuve", null=True, blank=True)
    derogation = models.BooleanField("dérogation", default=False,
                                     help_text="Sortie positive dont le critère n'est pas rempli à la date de sortie.")
    motivation_derogation = models.TextField("motivation de la dérogation", blank=True)
    proposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposee_le = models.DateTimeField(auto_now_add=True)
    etat = FSMField("état", default=EtatProposition.PROPOSEE, choices=EtatProposition.choices, protected=True)

    class Meta:
        ordering = ["proposee_le"]
        constraints = [models.UniqueConstraint(fields=["participant"], condition=Q(etat="proposee"),
                                               name="une_proposition_en_attente_par_participant"),
                       models.CheckConstraint(condition=Q(derogation=False) | ~Q(motivation_derogation=""),
                                              name="derogation_motivee")]

    @property
    def preuve_lue(self):
        """La preuve figée, avec ses dates (None pour une sortie qui n'est pas positive)."""
        return Preuve.depuis_json(self.preuve) if self.preuve else None

    @property
    def porteur_id(self):  # pour `Acteurs` : un référent ne propose que pour les participants de sa structure
        return self.participant.structure_referent_id

    @transition(etat, EtatProposition.PROPOSEE, EtatProposition.VALIDEE, permission=Acteurs(Role.ANIMATION),
                custom=libelle("Valider la sortie"))
    def valider(self):
        pass

    @transition(etat, EtatProposition.PROPOSEE, EtatProposition.REFUSEE, permission=Acteurs(Role.ANIMATION),
                custom=libelle("Refuser la sortie", motivation=True))
    def refuser(self):
        pass


class Seance(models.Model):
    """Une demi-journée d'une action : ce que prouve une feuille d'émargement signée (FSE)."""

    CHEMIN_PLIE = "operation__plie"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="seances")
    date = models.DateField("date")
    demi_journee = models.CharField("demi-journée", max_length=10, choices=DemiJournee.choices)
    heures = models.DecimalField("heures", max_digits=4, decimal_places=2)
    lieu = models.CharField("lieu", max_length=200)
    formateur = models.CharField("formateur ou formatrice", max_length=150)
    inscrits = models.ManyToManyField(Participant, related_name="seances", blank=True)
    feuille_signee = models.FileField("feuille d'émargement signée (scan)", upload_to="emargements/%Y/", blank=True)

    class Meta:
        ordering = ["date", "demi_journee"]
        constraints = [models.UniqueConstraint(fields=["operation", "date", "demi_journee"], name="seance_unique"),
                       models.CheckConstraint(condition=Q(heures__gt=0) & Q(heures__lte=6), name="seance_heures_plausibles")]

    def __str__(self):
        return f"{self.operation.code}, {self.date:%d/%m/%Y} {self.get_demi_journee_display().lower()}"


class Presence(models.Model):
    CHEMIN_PLIE = "participant__plie"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="presences")
    statut = models.CharField("présence", max_length=10, choices=StatutPresence.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seance", "participant"], name="presence_unique")]


from .models_clauses import HeuresClause, ImportClauses, OrientationClause  # noqa: E402, F401  (même app, module à part)
