"""Les bilans d'exécution d'une opération : intermédiaires puis final, saisis par le porteur, contrôlés par le
gestionnaire FSE. La partie quantitative se calcule depuis les participants (`selectors`) ; les parties financière
(dépenses et ressources, réalisées face au prévu) et qualitative (le récit) se saisissent ici.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.models import Financeur
from annuaire.plies import plies_de
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.models import Operation
from operations.options import CategorieDepense
from operations.regles import Acteurs, Condition, gardee, libelle

from .aides import Aide  # noqa: F401 (les aides de l'enveloppe souple, modèle de l'app)

PORTEUR = Acteurs(Role.PORTEUR)
GESTIONNAIRE = Acteurs(Role.GESTIONNAIRE)


class NatureBilan(models.TextChoices):
    INTERMEDIAIRE = "intermediaire", "Bilan intermédiaire"
    FINAL = "final", "Bilan final"


class EtatBilan(models.TextChoices):
    EN_SAISIE = "en_saisie", "En saisie"
    DEPOSE = "depose", "Déposé"
    A_CORRIGER = "a_corriger", "À corriger"
    CONTROLE = "controle", "Contrôlé"
    VALIDE = "valide", "Validé"


ETATS_MODIFIABLES = [EtatBilan.EN_SAISIE, EtatBilan.A_CORRIGER]


EQUIPE_DU_PLIE = {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}


class BilanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """L'équipe du PLIE voit tous les bilans ; un porteur (ou un référent) ceux des opérations de sa structure.
        Le comité n'en voit aucun : un bilan nomme les participants."""
        roles = roles_de(user)
        dans_ses_plie = self.filter(operation__plie__in=plies_de(user))
        if roles & EQUIPE_DU_PLIE:
            return dans_ses_plie
        if roles & ROLES_DE_STRUCTURE and user.structure_id:
            return dans_ses_plie.filter(operation__porteur_id=user.structure_id)
        return self.none()


def voit_les_bilans(operation: Operation, user) -> bool:
    """La même règle pour une opération donnée (qui a le droit d'ouvrir la page de ses bilans, même vide)."""
    roles = roles_de(user)
    return bool(roles & EQUIPE_DU_PLIE) or bool(roles & ROLES_DE_STRUCTURE and user.structure_id == operation.porteur_id)


# --- Conditions du dépôt : chacune dit ce qui manque ---
_recit = Condition(lambda b: b.actions_menees.strip(), "Partie qualitative : décrivez les actions menées.",
                   libelle="Partie qualitative : les actions menées sont décrites.")
_depenses = Condition(
    lambda b: b.depenses.exists() and not b.depenses.filter(realise__isnull=True).exists(),
    lambda b: "Partie financière : saisissez le montant réalisé de chaque dépense "
              f"({b.depenses.filter(realise__isnull=True).count()} sans montant).",
    libelle="Partie financière : chaque dépense a son montant réalisé.")
_ressources = Condition(
    lambda b: not b.ressources.filter(recu__isnull=True).exists(),
    lambda b: "Partie financière : saisissez le montant perçu de chaque ressource "
              f"({b.ressources.filter(recu__isnull=True).count()} sans montant).",
    libelle="Partie financière : chaque ressource a son montant perçu.")
_periode_echue = Condition(lambda b: b.fin <= timezone.localdate(),
                           lambda b: f"La période du bilan ne s'achève que le {b.fin:%d/%m/%Y}.",
                           libelle="La période du bilan est achevée.")
_precedents_deposes = Condition(
    lambda b: not b.operation.bilans.filter(rang__lt=b.rang, etat__in=ETATS_MODIFIABLES).exists(),
    "Le bilan précédent doit être déposé d'abord.", libelle="Le bilan précédent est déposé.")


def a_justifier(depenses):
    """Les dépenses qui se prouvent par une pièce : réalisées, hors coûts au forfait, qui se calculent et ne se
    justifient pas (règlement (UE) n° 1303/2013, art. 67 § 1 d) et 68 ; règlement (UE) 2021/1060, art. 53 § 1 d) et
    54). La même règle au dépôt du bilan et au contrôle de service fait."""
    return depenses.filter(realise__gt=0).exclude(categorie=CategorieDepense.INDIRECTES)


def _depenses_sans_piece(bilan) -> list[str]:
    return [d.libelle for d in a_justifier(bilan.depenses.all()).filter(pieces__isnull=True)]


def _message_pieces(bilan) -> str:
    manquantes = _depenses_sans_piece(bilan)
    cites = ", ".join(f"« {libelle} »" for libelle in manquantes[:5]) + (" ..." if len(manquantes) > 5 else "")
    return (f"Pièces justificatives : joignez la pièce qui prouve chaque dépense réalisée "
            f"({len(manquantes)} sans pièce : {cites}).")


# Une dépense déclarée au réel se prouve par une pièce (facture, bulletin de salaire...) ; le forfait, non.
_pieces_justificatives = Condition(lambda b: not _depenses_sans_piece(b), _message_pieces,
                                   libelle="Pièces justificatives : chaque dépense réalisée au réel a sa pièce.")
CONDITIONS_DE_DEPOT = [_recit, _depenses, _ressources, _pieces_justificatives, _periode_echue, _precedents_deposes]
# Le contrôle se valide par le rapport de contrôle de service fait ; le bilan est validé une fois le solde payé.
_csf_valide = Condition(lambda b: hasattr(b, "csf") and b.csf.valide_le is not None,
                        "Validez le contrôle depuis la page « Contrôle de service fait » du bilan.",
                        libelle="Le contrôle de service fait est validé.")
_solde_paye = Condition(lambda b: hasattr(b, "csf") and b.csf.paye_le is not None,
                        "Enregistrez le paiement du solde depuis la page « Contrôle de service fait ».",
                        libelle="Le paiement du solde est enregistré.")


class Bilan(ConcurrentTransitionMixin, models.Model):
    """Un bilan d'exécution : une période de l'opération, intermédiaire ou finale (`selectors.bilans_prevus`)."""

    DESIGNATION = "ce bilan"
    CHEMIN_PLIE = "operation__plie"

    operation = models.ForeignKey(Operation, verbose_name="opération", on_delete=models.PROTECT, related_name="bilans")
    nature = models.CharField("nature", max_length=15, choices=NatureBilan.choices)
    rang = models.PositiveSmallIntegerField("rang")
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    etat = FSMField("état", default=EtatBilan.EN_SAISIE, choices=EtatBilan.choices, protected=True)
    actions_menees = models.TextField("actions menées", blank=True,
                                      help_text="Ce qui a été fait sur la période : contenu, organisation, partenaires.")
    analyse = models.TextField("analyse des résultats", blank=True,
                               help_text="Les résultats au regard des objectifs, les écarts et leurs raisons.")
    difficultes = models.TextField("difficultés rencontrées", blank=True)
    perspectives = models.TextField("perspectives", blank=True)
    prepare_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "rang"], name="un_bilan_par_rang"),
            models.UniqueConstraint(fields=["operation"], condition=Q(nature="final"), name="un_seul_bilan_final"),
        ]

    def __str__(self):
        return f"{self.titre} — {self.operation.code}"

    def get_absolute_url(self):
        return reverse("justificatifs:bilan", args=[self.operation.code, self.rang])

    @property
    def titre(self) -> str:
        return "Bilan final" if self.nature == NatureBilan.FINAL else f"Bilan intermédiaire n° {self.rang}"

    @property
    def porteur_id(self):  # pour `Acteurs` : seul le porteur de l'opération dépose son bilan
        return self.operation.porteur_id

    @property
    def modifiable(self) -> bool:
        return self.etat in ETATS_MODIFIABLES

    @transition(etat, EtatBilan.EN_SAISIE, EtatBilan.DEPOSE, permission=PORTEUR,
                conditions=gardee("bilan.deposer", *CONDITIONS_DE_DEPOT),
                custom=libelle("Déposer le bilan", avertissement="Une fois déposé, le bilan n'est plus modifiable, "
                                                                 "sauf s'il vous est renvoyé pour correction."))
    def deposer(self):
        pass

    @transition(etat, EtatBilan.DEPOSE, EtatBilan.A_CORRIGER, permission=GESTIONNAIRE,
                custom=libelle("Renvoyer pour correction", motivation=True))
    def renvoyer(self):
        pass

    @transition(etat, EtatBilan.A_CORRIGER, EtatBilan.DEPOSE, permission=PORTEUR,
                conditions=gardee("bilan.redeposer", *CONDITIONS_DE_DEPOT),
                custom=libelle("Redéposer le bilan corrigé", avertissement="Une fois redéposé, le bilan n'est plus "
                                                                           "modifiable, sauf nouveau renvoi pour correction."))
    def redeposer(self):
        pass

    @transition(etat, EtatBilan.DEPOSE, EtatBilan.CONTROLE, permission=GESTIONNAIRE, conditions=gardee("bilan.controler", _csf_valide),
                custom=libelle("Valider le contrôle"))
    def controler(self):
        pass

    @transition(etat, EtatBilan.CONTROLE, EtatBilan.VALIDE, permission=GESTIONNAIRE, conditions=gardee("bilan.valider", _solde_paye),
                custom=libelle("Valider le bilan (paiement effectué)"))
    def valider(self):
        pass


class DepenseBilan(models.Model):
    """Une dépense du plan de financement, son montant prévu (figé à la préparation) et le montant réalisé déclaré."""

    CHEMIN_PLIE = "bilan__operation__plie"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="depenses")
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieDepense.choices)
    libelle = models.CharField("libellé", max_length=250)
    prevu = models.DecimalField("prévu (€)", max_digits=12, decimal_places=2)
    realise = models.DecimalField("réalisé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    # Une aide de l'enveloppe souple payée dans la période : la ligne et sa facture viennent du paiement, et ne se
    # modifient pas à la main (`services_aides.reporter_aides`).
    aide = models.OneToOneField(Aide, verbose_name="aide payée", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="depense_au_bilan")

    class Meta:
        ordering = ["categorie", "id"]
        constraints = [models.CheckConstraint(condition=Q(realise__gte=0) | Q(realise__isnull=True),
                                              name="depense_realisee_positive")]

    def __str__(self):
        return self.libelle


class RessourceBilan(models.Model):
    """Une ressource du plan : le montant prévu et celui effectivement perçu à la date du bilan."""

    CHEMIN_PLIE = "bilan__operation__plie"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="ressources")
    financeur = models.ForeignKey(Financeur, verbose_name="financeur", on_delete=models.PROTECT)
    prevu = models.DecimalField("prévu (€)", max_digits=12, decimal_places=2)
    recu = models.DecimalField("perçu (€)", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["financeur__ordre", "id"]
        constraints = [models.CheckConstraint(condition=Q(recu__gte=0) | Q(recu__isnull=True),
                                              name="ressource_percue_positive")]

    def __str__(self):
        return str(self.financeur)


# --- Pièces justificatives et contrôle de service fait (CSF) ---

class NaturePiece(models.TextChoices):
    FACTURE = "facture", "Facture acquittée"
    BULLETIN = "bulletin", "Bulletin de salaire"
    TEMPS = "temps", "Feuille de temps"
    EMARGEMENT = "emargement", "Feuille d'émargement signée"
    PREUVE_SORTIE = "preuve_sortie", "Preuve de sortie positive (contrat, attestation de formation)"
    AUTRE = "autre", "Autre pièce"


class PieceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Les pièces des bilans que l'utilisateur voit : celles d'un autre porteur n'existent pas pour lui."""
        return self.filter(bilan__in=Bilan.objects.visible_to(user))


class PieceJustificative(models.Model):
    """Un fichier qui prouve une dépense du bilan, ou la sortie positive d'un participant. Contrôlé sur son contenu,
    stocké hors de la racine web, servi par une vue qui vérifie les droits (et trace qui l'a ouvert)."""

    CHEMIN_PLIE = "bilan__operation__plie"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="pieces")
    depense = models.ForeignKey(DepenseBilan, verbose_name="dépense", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="pieces")
    participant = models.ForeignKey("participants.Participant", verbose_name="participant", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    nature = models.CharField("nature", max_length=20, choices=NaturePiece.choices)
    fichier = models.FileField("fichier", upload_to="justificatifs/%Y/%m/")
    nom = models.CharField("nom du fichier déposé", max_length=255)
    type_mime = models.CharField("type reconnu", max_length=120)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    antivirus = models.CharField("analyse antivirus", max_length=120, blank=True,
                                 help_text="Vide : aucun antivirus n'est configuré sur ce serveur.")
    deposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField("déposée le", auto_now_add=True)

    objects = PieceQuerySet.as_manager()

    class Meta:
        ordering = ["deposee_le", "pk"]
        constraints = [models.CheckConstraint(condition=Q(depense__isnull=False) | Q(participant__isnull=False),
                                              name="piece_rattachee")]

    def __str__(self):
        return f"{self.get_nature_display()} : {self.nom}"


class AccesPiece(models.Model):
    """Qui a ouvert quelle pièce, quand : une pièce peut porter des données personnelles (bulletin, contrat)."""

    CHEMIN_PLIE = "piece__bilan__operation__plie"

    piece = models.ForeignKey(PieceJustificative, on_delete=models.CASCADE, related_name="acces")
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True)


class MotifRejet(models.Model):
    """Les motifs d'écart retenus au contrôle (référentiel modifiable : `justificatifs/referentiel/motifs_rejet.json`)."""

    code = models.CharField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]
        verbose_name = "motif de rejet"

    def __str__(self):
        return self.libelle


class Decision(models.TextChoices):
    RETENUE = "retenue", "Retenue"
    PARTIELLE = "partielle", "Retenue en partie"
    REJETEE = "rejetee", "Rejetée"


class DecisionFigee(models.Model):
    """Une décision de contrôle ne se modifie ni ne s'efface : une nouvelle décision la remplace (trace complète)."""

    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Une décision de contrôle ne se modifie pas : enregistrez-en une nouvelle qui la remplace.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Une décision de contrôle ne s'efface pas : enregistrez-en une nouvelle qui la remplace.")


class ControleDepense(DecisionFigee):
    """La décision du gestionnaire sur une dépense déclarée ; la plus récente fait foi."""

    CHEMIN_PLIE = "depense__bilan__operation__plie"

    depense = models.ForeignKey(DepenseBilan, on_delete=models.CASCADE, related_name="controles")
    decision = models.CharField("décision", max_length=10, choices=Decision.choices)
    montant_retenu = models.DecimalField("montant retenu (€)", max_digits=12, decimal_places=2)
    motif = models.ForeignKey(MotifRejet, verbose_name="motif", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["le", "pk"]
        constraints = [models.CheckConstraint(condition=Q(montant_retenu__gte=0), name="montant_retenu_positif")]


class ObjetControleParticipant(models.TextChoices):
    SORTIE_POSITIVE = "sortie_positive", "Preuve de la sortie positive"
    PRESENCE = "presence", "Présence émargée"


class ControleParticipant(DecisionFigee):
    """Le contrôle d'une réalisation : la preuve d'une sortie positive, ou une séance émargée de l'échantillon."""

    CHEMIN_PLIE = "bilan__operation__plie"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="controles_participants")
    objet = models.CharField("objet", max_length=20, choices=ObjetControleParticipant.choices)
    participant = models.ForeignKey("participants.Participant", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    seance = models.ForeignKey("participants.Seance", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    conforme = models.BooleanField("conforme")

    class Meta:
        ordering = ["le", "pk"]


class ControleServiceFait(models.Model):
    """Le contrôle d'un bilan : sa méthode (exhaustif ou échantillon tiré avec une graine notée), l'avance déjà
    versée, sa validation (qui produit le rapport et fait passer le bilan à « contrôlé »), puis le paiement."""

    CHEMIN_PLIE = "bilan__operation__plie"

    bilan = models.OneToOneField(Bilan, on_delete=models.CASCADE, related_name="csf")
    graine = models.BigIntegerField("graine du tirage", null=True, blank=True)
    echantillon = models.JSONField("dépenses de l'échantillon", default=list, blank=True)
    seances_tirees = models.JSONField("séances de l'échantillon de présence", default=list, blank=True)
    avance_versee = models.DecimalField("avance déjà versée (€)", max_digits=12, decimal_places=2, default=0)
    valide_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    montant_paye = models.DecimalField("solde payé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    paye_le = models.DateField("payé le", null=True, blank=True)

    @property
    def par_echantillon(self) -> bool:
        return bool(self.echantillon)


class ExportMdfse(models.Model):
    """Un export « Ma Démarche FSE » fait (page ou commande) : le bureau du gestionnaire sait ce qui reste à rafraîchir
    ce mois-ci, et la page de l'export montre quand et par qui il a été fait."""

    CHEMIN_PLIE = "operation__plie"

    operation = models.ForeignKey(Operation, verbose_name="opération", on_delete=models.CASCADE, related_name="exports_mdfse")
    fait_le = models.DateTimeField("fait le", auto_now_add=True, db_index=True)
    fait_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="fait par", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    participants = models.PositiveIntegerField("participants exportés")
    empreinte = models.CharField("empreinte SHA-256 de l'archive", max_length=64)

    class Meta:
        ordering = ["-fait_le"]
        verbose_name = "export Ma Démarche FSE"
        verbose_name_plural = "exports Ma Démarche FSE"
