"""Banc d'essai des pages de liste à l'échelle d'un réseau de 100 PLIE (issue 8) : 200 opérations chacun (20 000),
200 000 participants, 2 000 000 d'étapes, 50 000 séances, sur PostgreSQL. Pour chaque liste principale : le temps
serveur (médiane et p95 de 20 affichages) et le nombre de requêtes SQL, qui ne doit pas croître avec le nombre de
lignes (mesuré aussi à l'échelle d'un seul PLIE). Cibles (issue 19) : médiane ≤ 50 ms, p95 ≤ 150 ms, au plus 12
requêtes, les mêmes à 1 et à 100 PLIE. `make bench` (tailles : BENCH_PLIE, BENCH_PARTICIPANTS, BENCH_ETAPES)."""
import statistics
from unittest import mock
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template.base import Template
from django.test.utils import _TestState as _environnement_de_test
from django.test.utils import CaptureQueriesContext

from annuaire.models import Structure
from annuaire.roles import Role
from operations.models import Operation, TypeOperation
from operations.options import Etat
from participants.models import Participant, Seance
from tests.factories import programme, utilisateur

from .conftest import PETIT, TAILLES, cible, tableau, taille, verifier
from .population import generer

pytestmark = pytest.mark.django_db(transaction=True)
PLIE = taille("BENCH_PLIE", 100, 3)
PAR_PLIE, SEANCES = 200, 500 if PETIT else 50_000
MEDIANE, P95, REQUETES = 50, 150, 12
AFFICHAGES = 5 if PETIT else 20
LISTES = ["/operations/", "/participants/", "/conventions/", "/appels/", "/comites/", "/bilans/"]
ETATS = [Etat.DEPOSEE, Etat.EN_INSTRUCTION, Etat.PROGRAMMEE, Etat.EN_REALISATION, Etat.SOLDEE]


def _operations(plie: range):
    types = list(TypeOperation.objects.all())
    programme_2016 = programme(date(2016, 1, 1))
    lignes = []
    for n in plie:
        porteur = Structure.objects.create(nom=f"Porteur du PLIE n° {n}")
        lignes += [Operation(code=f"OP-B{n:03d}-{i:03d}", intitule=f"Action {i} du PLIE {n}", type=types[i % len(types)],
                             porteur=porteur, programme=programme_2016, date_debut=date(2016, 1, 1), date_fin=date(2016, 12, 31),
                             etat=ETATS[i % len(ETATS)]) for i in range(PAR_PLIE)]
    Operation.objects.bulk_create(lignes, batch_size=5000)


def _mesurer(client) -> dict[str, tuple[float, float, int]]:
    """Le temps serveur de chaque liste, sans l'instrumentation des gabarits du client de test (qui copie le contexte
    de chaque gabarit rendu — chaque cellule d'un tableau — pour les assertions des tests, et que la production n'a pas)."""
    with mock.patch.object(Template, "_render", _environnement_de_test.saved_data.template_render):
        return _mesurer_sans_instrumentation(client)


def _mesurer_sans_instrumentation(client) -> dict[str, tuple[float, float, int]]:
    resultats = {}
    for adresse in LISTES:
        client.get(adresse)  # premier affichage : gabarits compilés, connexions ouvertes
        durees, requetes = [], set()
        for _ in range(AFFICHAGES):
            with CaptureQueriesContext(connection) as capture:
                debut = time.perf_counter()
                reponse = client.get(adresse)
                durees.append((time.perf_counter() - debut) * 1000)
            assert reponse.status_code == 200, adresse
            requetes.add(len(capture.captured_queries))
        assert len(requetes) == 1, f"{adresse} : nombre de requêtes variable {requetes}"
        resultats[adresse] = (statistics.median(durees), statistics.quantiles(durees, n=20)[-1], requetes.pop())
    return resultats


def test_les_listes_a_l_echelle_d_un_reseau(client):
    client.force_login(utilisateur(Role.ANIMATION))
    _operations(range(1))
    generer(*((500, 5_000) if PETIT else (2_000, 20_000)))
    petit = _mesurer(client)

    Participant.objects.filter(identifiant__startswith="BENCH-").delete()
    debut = time.perf_counter()
    _operations(range(1, PLIE))
    generer(TAILLES["participants"], TAILLES["etapes"])
    operations = list(Operation.objects.values_list("pk", flat=True))
    Seance.objects.bulk_create((Seance(operation_id=operations[i % len(operations)], heures=Decimal("3"),
                                       date=date(2016, 1, 4) + timedelta(days=(i // len(operations)) * 7),
                                       demi_journee="matin", lieu="Salle", formateur="Mme Roux")
                                for i in range(SEANCES)), batch_size=5000)
    generation = time.perf_counter() - debut
    grand = _mesurer(client)

    print(tableau(f"Banc d'essai : listes, {PLIE} PLIE ({Operation.objects.count():_} opérations, "
                  f"{Participant.objects.count():_} participants, {SEANCES:_} séances) ; génération {generation:.0f} s"
                  .replace("_", " "), [
        ("liste", "médiane", "p95", "requêtes (1 PLIE)", f"requêtes ({PLIE} PLIE)", "cible"),
        *[(a, f"{grand[a][0]:.0f} ms", f"{grand[a][1]:.0f} ms", petit[a][2], grand[a][2],
           f"≤ {MEDIANE} ms, p95 ≤ {P95} ms, ≤ {REQUETES} requêtes égales") for a in LISTES],
    ]))
    for adresse in LISTES:
        mediane, p95, requetes = grand[adresse]
        # Le nombre de requêtes ne dépend pas du nombre de lignes : vérifié à toute taille.
        assert requetes == petit[adresse][2], f"{adresse} : les requêtes croissent avec les lignes"
        cible("listes", f"{adresse} médiane", f"{mediane:.0f} ms", f"≤ {MEDIANE} ms", mediane <= MEDIANE)
        cible("listes", f"{adresse} p95", f"{p95:.0f} ms", f"≤ {P95} ms", p95 <= P95)
        cible("listes", f"{adresse} requêtes SQL", str(requetes), f"≤ {REQUETES}, égales", requetes <= REQUETES,
              f"{petit[adresse][2]} à 1 PLIE, {requetes} à {PLIE}")
    verifier("listes")
