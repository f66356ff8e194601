"""Fabriques partagées (factory_boy) : structures, utilisateurs avec leur rôle, opérations dans n'importe quel état.

Les données de référence (groupes de rôles, financeurs, types d'opération, indicateurs) viennent des
migrations de données ; les fabriques les lisent et ne les recréent (get_or_create) que si un test
transactionnel a vidé la base.
"""
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from annuaire.models import Financeur, Structure, Utilisateur
from annuaire.roles import ROLES_DE_STRUCTURE
from operations.models import Indicateur, LigneDepense, LigneRessource, Objectif, Operation, TypeOperation
from operations.options import CategorieDepense, Etat
from operations.programmes import Programme, charger_referentiel, programme_pour

# Le plan de financement équilibré de référence : 18 044,30 € de dépenses, dont 50 % de FSE.
DEPENSES = [
    (CategorieDepense.PERSONNEL, "Référent de parcours (0,5 ETP)", Decimal("15000.00")),
    (CategorieDepense.INDIRECTES, "Forfait de 15 % des frais de personnel", Decimal("2250.00")),
    (CategorieDepense.FONCTIONNEMENT, "Déplacements", Decimal("794.30")),
]
TOTAL_DEPENSES = sum((m for _, _, m in DEPENSES), Decimal("0.00"))  # 18 044,30
MOT_DE_PASSE = "mot-de-passe-de-test-12"
RESSOURCES = [("FSE", Decimal("9022.15")), ("METROPOLE", Decimal("9022.15"))]


def groupe(role: str) -> Group:
    return Group.objects.get_or_create(name=str(role))[0]


def financeur(code: str) -> Financeur:
    return Financeur.objects.get_or_create(
        code=code, defaults={"libelle": code.title(), "est_fse": code == "FSE"}
    )[0]


def programme(jour: date) -> Programme:
    """Le programme qui couvre `jour` (rechargé du référentiel si un test transactionnel a vidé la base)."""
    if not Programme.objects.exists():
        charger_referentiel(Programme)
    return programme_pour(jour)


def indicateur(code: str = "FILE_ACTIVE") -> Indicateur:
    return Indicateur.objects.get_or_create(code=code, defaults={"libelle": code.replace("_", " ").capitalize()})[0]


def type_operation() -> TypeOperation:
    existant = TypeOperation.objects.order_by("ordre", "pk").first()
    return existant or TypeOperation.objects.create(code="PORTAGE_REFERENTS", libelle="Portage de référents")


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Structure porteuse {n}")
    sigle = factory.Sequence(lambda n: f"SP{n}")
    categorie = Structure.Categorie.PORTEUR
    commune = "Dijon"


class UtilisateurFactory(DjangoModelFactory):
    """`UtilisateurFactory(role="porteur")` : un compte dans le groupe du rôle (et une structure s'il en faut une)."""

    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")
    password = factory.django.Password(MOT_DE_PASSE)
    structure = None

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        roles = [extracted] if isinstance(extracted, str) else list(extracted)
        self.groups.add(*(groupe(r) for r in roles))
        self.__dict__.pop("_roles_cache", None)


def utilisateur(role: str | list[str] | None = None, *, structure: Structure | None = None, **champs) -> Utilisateur:
    """Un utilisateur du rôle donné ; porteurs et référents reçoivent une structure s'il n'en est pas donné."""
    roles = [role] if isinstance(role, str) else list(role or [])
    if structure is None and set(roles) & ROLES_DE_STRUCTURE:
        structure = StructureFactory()
    return UtilisateurFactory(role=roles, structure=structure, **champs)


class OperationFactory(DjangoModelFactory):
    """Une opération avec un plan de financement équilibré (FSE + métropole) et un objectif, dans l'état voulu.

    `OperationFactory(etat=Etat.INSTRUITE)` la crée directement dans cet état (le champ protégé
    n'accepte une valeur qu'à la construction). `plan=False` : sans dépenses, ressources ni objectifs.
    """

    class Meta:
        model = Operation
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"OP-FAB-{n + 1:04d}")
    intitule = factory.Sequence(lambda n: f"Accompagnement renforcé vers l'emploi n° {n + 1}")
    type = factory.LazyFunction(type_operation)
    porteur = factory.SubFactory(StructureFactory)
    date_debut = date(2016, 1, 1)
    date_fin = date(2016, 12, 31)
    description = "Portage de référents de parcours sur le territoire."
    programme = factory.LazyAttribute(lambda o: programme(o.date_debut))
    etat = Etat.BROUILLON

    @factory.post_generation
    def plan(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for categorie, libelle, montant in DEPENSES:
            LigneDepense.objects.create(operation=self, categorie=categorie, libelle=libelle, montant=montant)
        for code, montant in RESSOURCES:
            LigneRessource.objects.create(operation=self, financeur=financeur(code), montant=montant)
        Objectif.objects.create(operation=self, indicateur=indicateur("FILE_ACTIVE"), valeur_cible=Decimal("80"))
