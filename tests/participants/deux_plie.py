"""Deux PLIE sur une installation (docs/plie.md) : celui de l'installation (A) et un second (B), avec son territoire
et ses structures ; des comptes de chacun et un compte d'un organisme pivot qui travaille pour les deux."""
from dataclasses import dataclass
from datetime import date

from annuaire.models import Commune, OrganismePivot, Plie, Prescripteur, Qpv, Structure
from annuaire.roles import Role
from participants.models import MotifSortie, Participant
from tests.factories import OperationFactory, utilisateur
from tests.operations.deux_plie import choisir  # noqa: F401 (le sélecteur, pour les tests de participants et suivants)


@dataclass
class DeuxPlie:
    a: Plie
    b: Plie
    structure_a: Structure
    structure_b: Structure
    commune_a: Commune
    commune_b: Commune
    qpv_b: Qpv
    pivot: OrganismePivot


def deux_plie() -> DeuxPlie:
    """A est le PLIE de l'installation (ses communes viennent des migrations) ; B est créé ici, avec une commune qui
    porte le même nom qu'une de A (Dijon) : chaque import la cherche dans son PLIE."""
    a = Plie.objects.order_by("pk").first()
    b = Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIEB", prefixe_operations="OPB")
    pivot = OrganismePivot.objects.create(nom="OI pivot de Bourgogne")
    Plie.objects.filter(pk__in=[a.pk, b.pk]).update(pivot=pivot)
    a.refresh_from_db()
    b.refresh_from_db()
    commune_b = Commune.objects.create(plie=b, nom="Dijon")
    qpv_b = Qpv.objects.create(commune=commune_b, nom="Saint-Jacques")
    return DeuxPlie(a=a, b=b, pivot=pivot,
                    structure_a=Structure.objects.create(plie=a, nom="APSALC", categorie="porteur"),
                    structure_b=Structure.objects.create(plie=b, nom="Beaune Insertion", categorie="porteur"),
                    commune_a=Commune.objects.get(plie=a, nom="Dijon"), commune_b=commune_b, qpv_b=qpv_b)


def compte(role, plie=None, *, structure=None, pivot=None, **champs):
    """Un compte du PLIE `plie`, ou de l'organisme `pivot` (sans PLIE propre)."""
    return utilisateur(role, structure=structure, plie=plie, pivot=pivot, **champs)


def animation_pivot(plies: DeuxPlie):
    return compte(Role.ANIMATION, None, pivot=plies.pivot, username="animation-pivot")


def personne(plie: Plie, commune: Commune, identifiant: str, entree: date, *, sexe="F", sortie=None, motif=None,
             structure=None, nom="Test") -> Participant:
    return Participant.objects.create(
        plie=plie, identifiant=identifiant, nom=nom, prenom="Camille", sexe=sexe, date_naissance=date(1980, 1, 1),
        commune=commune, prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"), structure_referent=structure,
        date_entree=entree, date_sortie=sortie, motif_sortie=MotifSortie.objects.get(code=motif) if motif else None)


def operation(structure: Structure, **champs):
    """Une opération portée par une structure du PLIE, rangée dans ce PLIE."""
    return OperationFactory(porteur=structure, plie=structure.plie, **champs)
