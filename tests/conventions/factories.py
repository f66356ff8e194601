"""Fabriques des conventions : `ConventionFactory(operation=..., etat=EtatSignature.NOTIFIEE)`.

La convention est créée directement dans l'état voulu (le champ protégé n'accepte une valeur qu'à la construction),
avec sa version 1 figée d'après les données de l'opération ; sans document Word (les tests de génération passent
par `conventions.services.convention_generer`).
"""
import factory
from factory.django import DjangoModelFactory

from conventions import versions
from conventions.models import Convention, VersionOperation
from conventions.options import EtatSignature
from operations.options import Etat
from operations.programmes import options_de_couts
from tests.factories import OperationFactory


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    operation = factory.SubFactory(OperationFactory, etat=Etat.PROGRAMMEE)
    numero = factory.Sequence(lambda n: f"PLIE-FAB-{n + 1:04d}")
    etat = EtatSignature.GENEREE
    montant_fse = factory.LazyAttribute(lambda c: c.operation.montant_fse)
    # La première option de coûts du programme de l'opération (les coûts réels, dans le référentiel livré).
    regime_couts = factory.LazyAttribute(lambda c: options_de_couts(c.operation.programme)[0].code)
    version = factory.LazyAttribute(
        lambda c: VersionOperation.objects.create(operation=c.operation, numero=1, donnees=versions.donnees_de(c.operation)))
