"""La lettre d'information mensuelle du PLIE : ses destinataires, chaque lettre et chaque courriel parti.

Une lettre par mois (unique), construite en brouillon, envoyée une seule fois ; chaque courriel envoyé laisse une
ligne unique (lettre, courriel) : un envoi repris après une panne ne sert pas deux fois la même adresse.
"""
from datetime import date

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from annuaire.models import Plie, Structure, plie_par_defaut
from annuaire.roles import Role
from operations.models import DocumentGenere
from operations.regles import Acteurs, Condition, gardee, libelle

from .options import CategorieDestinataire, EtatLettre

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def nom_du_mois(mois: date) -> str:
    """`date(2017, 3, 1)` -> `mars 2017`."""
    return f"{MOIS[mois.month - 1]} {mois.year}"


class Destinataire(models.Model):
    """Une personne qui reçoit la lettre : financeur, prescripteur, porteur ou référent, avec ou sans compte."""

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="destinataires")
    nom = models.CharField("nom", max_length=150)
    courriel = models.EmailField("adresse électronique", max_length=254)
    categorie = models.CharField("catégorie", max_length=15, choices=CategorieDestinataire.choices)
    structure = models.ForeignKey(Structure, verbose_name="structure", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    actif = models.BooleanField("reçoit la lettre", default=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["categorie", "nom"]
        constraints = [models.UniqueConstraint("plie", Lower("courriel"), name="destinataire_courriel_unique_par_plie",
                                               violation_error_message="Cette adresse électronique reçoit déjà la lettre.")]

    def __str__(self):
        return self.nom


ANIMATION = Acteurs(Role.ANIMATION)
a_son_document = Condition(lambda lettre: lettre.document_id is not None,
                           "Le document de la lettre n'a pas encore été produit.",
                           libelle="Le document Word de la lettre est produit.")


class LettreMensuelle(ConcurrentTransitionMixin, models.Model):
    """La lettre d'un mois : ses chiffres figés à sa construction, son éditorial, ses documents, son envoi."""

    DESIGNATION = "cette lettre"

    plie = models.ForeignKey(Plie, verbose_name="PLIE", default=plie_par_defaut, on_delete=models.PROTECT,
                             related_name="lettres")
    mois = models.DateField("mois", help_text="Le premier jour du mois dont la lettre rend compte.")
    editorial = models.TextField("éditorial", blank=True,
                                 help_text="Un paragraphe de l'équipe d'animation, en tête de la lettre.")
    chiffres = models.JSONField("chiffres", default=dict, help_text="Les chiffres du mois, calculés à la construction.")
    etat = FSMField("état", default=EtatLettre.BROUILLON, choices=EtatLettre.choices, protected=True)
    # Le Word de la dernière construction (stocké avec son empreinte) ; son jumeau PDF se retrouve par `pdf`.
    document = models.ForeignKey(DocumentGenere, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    construite_le = models.DateTimeField("construite le", null=True, blank=True)
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        ordering = ["-mois"]
        verbose_name = "lettre mensuelle"
        constraints = [models.CheckConstraint(condition=models.Q(mois__day=1), name="lettre_mois_premier_jour"),
                       models.UniqueConstraint("plie", "mois", name="une_lettre_par_plie_et_par_mois")]

    def __str__(self):
        return f"Lettre d'information du PLIE — {self.titre_mois}"

    @property
    def titre_mois(self) -> str:
        return nom_du_mois(self.mois)

    @property
    def cle(self) -> str:
        return f"{self.mois:%Y-%m}"

    def get_absolute_url(self):
        return reverse("pilotage:lettre", args=[self.cle]) + self.suffixe

    @property
    def suffixe(self) -> str:
        """« ?plie=3 » quand l'installation a plusieurs PLIE : un compte pivot en vue consolidée voit la lettre du
        même mois de chacun de ses PLIE."""
        from annuaire.plies import plusieurs_plie

        return f"?plie={self.plie_id}" if plusieurs_plie() else ""

    @property
    def pdf(self) -> DocumentGenere | None:
        """Le PDF du Word actuel (même version des données), s'il a été produit (LibreOffice)."""
        if self.document is None:
            return None
        return DocumentGenere.objects.filter(content_type_id=self.document.content_type_id, object_id=self.pk,
                                             nature=f"{self.document.nature}_pdf",
                                             version_donnees=self.document.version_donnees).first()

    @property
    def envoyee(self) -> bool:
        return self.etat == EtatLettre.ENVOYEE

    @transition(etat, EtatLettre.BROUILLON, EtatLettre.ENVOYEE, permission=ANIMATION,
                conditions=gardee("lettre.envoyer", a_son_document),
                custom=libelle("Envoyer la lettre", avertissement="Une lettre ne s'envoie qu'une fois."))
    def envoyer(self):
        pass


class EnvoiLettre(models.Model):
    """Un courriel parti : une ligne par lettre et par adresse, jamais deux."""

    CHEMIN_PLIE = "lettre__plie"

    lettre = models.ForeignKey(LettreMensuelle, on_delete=models.CASCADE, related_name="envois")
    courriel = models.EmailField("adresse électronique", max_length=254)
    envoye_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        ordering = ["envoye_le"]
        constraints = [models.UniqueConstraint(fields=["lettre", "courriel"], name="un_envoi_par_lettre_et_courriel")]

    def __str__(self):
        return f"{self.lettre} → {self.courriel}"
