"""Deux PLIE sur une installation, pour les tests de cloisonnement : celui de l'installation (créé par la migration,
sigle « PLIE », préfixe « OP ») et celui de Beaune, tous deux sous le même organisme intermédiaire pivot.

Avec deux PLIE, une création qui ne dit pas son PLIE est refusée : chaque structure, compte et opération créés ici
nomme le sien.
"""
from dataclasses import dataclass

from annuaire.models import OrganismePivot, Plie, Structure, Utilisateur
from annuaire.plies import SESSION
from annuaire.roles import Role
from operations.models import Operation
from tests.factories import OperationFactory, StructureFactory, utilisateur


@dataclass
class DeuxPlie:
    a: Plie
    b: Plie
    pivot: OrganismePivot

    def structure(self, plie: Plie, nom: str) -> Structure:
        return StructureFactory(plie=plie, nom=nom)

    def compte(self, plie: Plie, role, **champs) -> Utilisateur:
        return utilisateur(role, plie=plie, **champs)

    def porteur(self, plie: Plie, nom: str) -> Utilisateur:
        return utilisateur(Role.PORTEUR, plie=plie, structure=self.structure(plie, nom))

    def compte_pivot(self, role=Role.ANIMATION, **champs) -> Utilisateur:
        return utilisateur(role, plie=None, pivot=self.pivot, **champs)

    def animations(self) -> tuple[Utilisateur, Utilisateur, Utilisateur]:
        """L'équipe d'animation de chaque PLIE et celle du pivot (qui travaille pour les deux)."""
        return (self.compte(self.a, Role.ANIMATION, username="animation-dijon"),
                self.compte(self.b, Role.ANIMATION, username="animation-beaune"),
                self.compte_pivot(username="animation-pivot"))

    def operation(self, plie: Plie, **champs) -> Operation:
        champs.setdefault("porteur", self.structure(plie, f"Porteur de {plie.sigle}"))
        return OperationFactory(plie=plie, **champs)


def deux_plie() -> DeuxPlie:
    pivot = OrganismePivot.objects.create(nom="OI pivot de Côte-d'Or")
    a = Plie.objects.order_by("pk").first()
    a.pivot = pivot
    a.save(update_fields=["pivot"])
    b = Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIEB", prefixe_operations="OPB", pivot=pivot,
                            adresse="2 place Monge", commune="Beaune", representant="Mme Claire Vautrin",
                            qualite="Présidente du PLIE du Beaunois")
    return DeuxPlie(a, b, pivot)


def choisir(client, plie: Plie | None) -> None:
    """Le compte connecté choisit ce PLIE dans le sélecteur (gardé en session) ; None : la vue consolidée."""
    session = client.session
    if plie is None:
        session.pop(SESSION, None)
    else:
        session[SESSION] = plie.pk
    session.save()
