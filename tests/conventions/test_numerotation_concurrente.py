"""Huit conventions générées au même instant, chacune dans sa transaction PostgreSQL : huit numéros distincts, sans
trou, et le compteur de l'année au bon rang (le verrou de ligne sérialise l'attribution)."""
import threading

import pytest
from django.db import connections

from annuaire.roles import Role
from conventions.models import CompteurConventions, Convention
from conventions.services import convention_generer
from operations.models import Operation
from operations.options import Etat
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
AGENTS = 8


def test_generations_simultanees_numeros_distincts_et_consecutifs():
    structure = StructureFactory()
    animation = utilisateur(Role.ANIMATION)
    operations = [OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE).pk for _ in range(AGENTS)]
    barriere = threading.Barrier(AGENTS, timeout=30)
    erreurs = []

    def agent(pk):
        try:
            operation = Operation.objects.get(pk=pk)
            barriere.wait()
            convention_generer(operation=operation, user=animation)
        except Exception as exc:  # toute erreur est un défaut : le test l'affiche
            erreurs.append(repr(exc))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=agent, args=(pk,)) for pk in operations]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    assert not any(f.is_alive() for f in fils), "un fil est resté bloqué"
    assert erreurs == []
    numeros = sorted(Convention.objects.values_list("numero", flat=True))
    assert numeros == [f"PLIE-2016-{n:03d}" for n in range(1, AGENTS + 1)]
    assert CompteurConventions.objects.get(annee=2016).dernier == AGENTS
