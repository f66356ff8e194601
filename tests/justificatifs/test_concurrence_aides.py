"""Deux membres de l'équipe d'animation accordent au même instant deux aides de la même enveloppe, dont le reste ne
couvre qu'une : la ligne de l'opération est verrouillée, un seul accord passe, l'autre reçoit le reste dans son message."""
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections

from annuaire.roles import Role
from justificatifs import services_aides
from justificatifs.aides import Aide, reste
from justificatifs.options import EtatAide
from operations.workflow import ActionRefusee
from tests.factories import StructureFactory, utilisateur
from tests.justificatifs.aides import demande, enveloppe, participant

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("repetition", range(5))
def test_deux_accords_simultanes_un_seul_passe_si_le_budget_ne_couvre_pas_les_deux(repetition):
    structure = StructureFactory()
    referent = utilisateur(Role.REFERENT, structure=structure)
    animations = [utilisateur(Role.ANIMATION), utilisateur(Role.ANIMATION)]
    operation = enveloppe("500.00")
    aides = [demande(referent, participant(structure), "300,00", le=date(2016, 3, 1)) for _ in range(2)]
    barriere, resultats = threading.Barrier(2, timeout=30), {}

    def agent(rang):
        try:
            lue = Aide.objects.select_related("operation", "participant").get(pk=aides[rang].pk)
            barriere.wait()
            services_aides.aide_accorder(aide=lue, user=animations[rang], montant="300,00", le=date(2016, 3, 5))
            resultats[rang] = "gagne"
        except ActionRefusee as refus:
            resultats[rang] = str(refus)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=agent, args=(rang,)) for rang in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    gagnants = [rang for rang, r in resultats.items() if r == "gagne"]
    assert len(gagnants) == 1, resultats
    perdant = 1 - gagnants[0]
    assert "Il reste 200,00\u00a0€ sur l'enveloppe 2016." in resultats[perdant]  # 500,00 − 300,00
    assert [Aide.objects.get(pk=a.pk).etat for a in aides][gagnants[0]] == EtatAide.ACCORDEE
    assert Aide.objects.get(pk=aides[perdant].pk).etat == EtatAide.DEMANDEE
    assert reste(operation) == Decimal("200.00")
