"""Les programmes européens qui financent les opérations, et la seule réponse à « quelle règle s'applique à cette
opération ? » : mentions obligatoires, base légale, options de coûts simplifiés, taux de cofinancement maximal,
indicateurs communs, seuil des fiches sans contact.

Chaque opération relève d'un seul programme (2014-2020 FSE ou 2021-2027 FSE+), pris de son appel à projets ou de
ses dates. Les règles sont des données (`referentiel/programmes.json`, chargé par migration, modifiable dans
l'administration), chacune avec sa source : aucun nom, taux ou code d'indicateur n'est écrit dans le code.
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models

from annuaire.formats import pourcentage


REFERENTIEL = Path(__file__).resolve().parent / "referentiel" / "programmes.json"
# Ce que les apps de plus haut niveau vérifient d'un programme avant qu'il ne soit enregistré (participants : les
# filtres des indicateurs) : chaque fonction reçoit le programme et lève RegleInconnue, qui nomme la règle fautive.
VERIFICATIONS = []


def charger_referentiel(modele) -> None:
    """Crée ou met à jour les programmes du référentiel livré (migration, ou base vidée par un test)."""
    for donnees in json.loads(REFERENTIEL.read_text(encoding="utf-8"))["programmes"]:
        donnees = dict(donnees)
        modele.objects.update_or_create(code=donnees.pop("code"), defaults=donnees)


class ProgrammeQuerySet(models.QuerySet):
    def pour_la_date(self, jour: date):
        """Le programme dont la période de programmation contient `jour` (le plus récent en cas de chevauchement)."""
        return self.filter(debut_programmation__lte=jour, fin_programmation__gte=jour).order_by("-debut_programmation").first()


class Programme(models.Model):
    """Un programme européen et ses règles, chacune avec sa source."""

    code = models.CharField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé court", max_length=60, help_text="Par exemple « FSE+ 2021-2027 ».")
    fonds = models.CharField("fonds", max_length=120)
    intitule = models.CharField("intitulé du programme", max_length=250)
    cci = models.CharField("numéro CCI", max_length=30, blank=True)
    debut_programmation = models.DateField("début de la programmation")
    fin_programmation = models.DateField("fin de la programmation")
    fin_eligibilite = models.DateField("fin d'éligibilité des dépenses")
    source_periode = models.TextField("source de la période", blank=True)
    mentions = models.JSONField("mentions obligatoires", help_text="Les lignes qui accompagnent l'emblème de l'Union.")
    source_mentions = models.TextField("source des mentions")
    base_legale = models.JSONField("base légale (« Vu »)", help_text="Les visas des conventions, un par ligne.")
    options_couts = models.JSONField(
        "options de coûts", help_text="Liste : code, libelle, article, taux (null : coûts réels), assiette et directes "
                                      "(catégories de dépenses).")
    taux_cofinancement_max = models.DecimalField("taux de cofinancement maximal", max_digits=5, decimal_places=4)
    source_taux_cofinancement = models.TextField("source du taux de cofinancement maximal")
    seuil_contacts_incomplets = models.DecimalField(
        "seuil de fiches sans contact", max_digits=5, decimal_places=4,
        help_text="Part des participants sans téléphone, courriel ni contact désigné au-delà de laquelle une "
                  "correction financière est possible.")
    seuil_alerte_contacts = models.DecimalField("seuil d'alerte des fiches sans contact", max_digits=5, decimal_places=4)
    source_contacts = models.TextField("source du seuil", blank=True)
    indicateurs = models.JSONField("indicateurs communs", help_text="Liste : code, libelle, type (realisation ou "
                                                                    "resultat), filtre sur les participants.")
    source_indicateurs = models.TextField("source des indicateurs")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["debut_programmation"]
        verbose_name = "programme européen"
        verbose_name_plural = "programmes européens"
        constraints = [models.CheckConstraint(condition=models.Q(fin_programmation__gt=models.F("debut_programmation")),
                                              name="programme_periode_ordonnee")]

    def __str__(self):
        return self.libelle

    def clean(self):
        for verifier in VERIFICATIONS:
            try:
                verifier(self)
            except RegleInconnue as erreur:
                raise ValidationError({"indicateurs": str(erreur)}) from None

    @property
    def mention(self) -> str:
        """Les mentions sur une ligne (pied de page, en-tête des documents)."""
        return " — ".join(self.mentions)


@dataclass(frozen=True)
class OptionCouts:
    """Une option de coûts offerte par le programme ; `taux` None : coûts réels."""

    code: str
    libelle: str
    article: str
    taux: Decimal | None
    assiette: frozenset[str]
    directes: frozenset[str]


class RegleInconnue(Exception):
    """Une option ou une règle que le programme n'offre pas ; le message, en français, dit laquelle."""


def options_de_couts(programme: Programme) -> list[OptionCouts]:
    return [OptionCouts(o["code"], o["libelle"], o["article"], Decimal(o["taux"]) if o["taux"] is not None else None,
                        frozenset(o["assiette"]), frozenset(o["directes"])) for o in programme.options_couts]


def option_de_couts(programme: Programme, code: str) -> OptionCouts:
    """L'option `code` du programme, ou RegleInconnue si le programme ne l'offre pas."""
    for option in options_de_couts(programme):
        if option.code == code:
            return option
    offertes = ", ".join(f"« {o.libelle} »" for o in options_de_couts(programme))
    raise RegleInconnue(f"Le programme {programme.libelle} n'offre pas l'option de coûts « {code} » : "
                        f"options offertes : {offertes}.")


def programme_pour(date_debut: date) -> Programme | None:
    """Le programme d'une opération d'après ses dates : celui dont la période de programmation contient son début."""
    return Programme.objects.pour_la_date(date_debut) if date_debut else None


def mention_de(programmes) -> str:
    """Les mentions obligatoires d'une page ou d'un document : une ligne par programme concerné, dans l'ordre."""
    uniques = sorted({p.pk: p for p in programmes if p is not None}.values(), key=lambda p: p.debut_programmation)
    return "\n".join(p.mention for p in uniques)


def taux_maximum_depasse(programme: Programme | None, montant_fse: Decimal, cout_total: Decimal) -> str | None:
    """Le message qui bloque une part FSE au-delà du taux maximal du programme, ou None."""
    if programme is None or not cout_total:
        return None
    taux = montant_fse / cout_total
    if taux <= programme.taux_cofinancement_max:
        return None
    return (f"La part FSE ({pourcentage(taux, 2)}) dépasse le taux de cofinancement maximal du programme "
            f"{programme.libelle} ({pourcentage(programme.taux_cofinancement_max, 0)}) : "
            f"{programme.source_taux_cofinancement}")
