"""Banc d'essai des pages de liste à l'échelle d'un réseau de 100 PLIE (issue 8) : 200 opérations chacun (20 000),
200 000 participants, 2 000 000 d'étapes, 50 000 séances, sur PostgreSQL, chaque donnée rangée dans son PLIE. On
mesure ce que voit un utilisateur d'UN PLIE (l'animation du PLIE n° 1) : pour chaque liste principale, le temps
serveur (médiane et p95 de 20 affichages) et le nombre de requêtes SQL, mesurés quand l'installation n'a que ce PLIE,
puis quand elle en a 100 (ses lignes à lui sont du même ordre : 200 opérations, 2 000 participants). Cibles
(issue 19) : médiane ≤ 50 ms, p95 ≤ 150 ms, au plus 12 requêtes, les mêmes à 1 et à 100 PLIE. En information : un
compte d'organisme pivot en vue consolidée sur 5 PLIE (cible : au plus 12 requêtes). `make bench` (tailles :
BENCH_PLIE, BENCH_PARTICIPANTS, BENCH_ETAPES)."""
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

from annuaire.models import OrganismePivot, Plie, Structure
from annuaire.roles import Role
from operations.models import Operation, TypeOperation
from operations.options import Etat
from participants.models import Participant, Seance
from tests.factories import programme, utilisateur

from .conftest import PETIT, PLIE, TAILLES, cible, tableau, verifier
from .population import generer, plies, premier_plie

pytestmark = pytest.mark.django_db(transaction=True)
PIVOT = min(5, PLIE)  # les PLIE de l'organisme pivot mesuré en vue consolidée
PAR_PLIE, SEANCES = 200, 500 if PETIT else 50_000
MEDIANE, P95, REQUETES = 50, 150, 12
AFFICHAGES = 5 if PETIT else 20
LISTES = ["/operations/", "/participants/", "/conventions/", "/appels/", "/comites/", "/bilans/"]
ETATS = [Etat.DEPOSEE, Etat.EN_INSTRUCTION, Etat.PROGRAMMEE, Etat.EN_REALISATION, Etat.SOLDEE]


def _operations(reseau: list[Plie]):
    """Les opérations de chaque PLIE, avec leur porteur, rangées chez lui et numérotées avec son préfixe."""
    types = list(TypeOperation.objects.all())
    programme_2016 = programme(date(2016, 1, 1))
    lignes = []
    for plie in reseau:
        porteur = Structure.objects.create(plie=plie, nom=f"Porteur du {plie.nom}")
        lignes += [Operation(plie=plie, code=f"{plie.prefixe_operations}-2016-{i + 1:03d}",
                             intitule=f"Action {i} du {plie.nom}", type=types[i % len(types)],
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
    # L'installation n'a qu'un PLIE : ses opérations et ses participants, vus par son équipe d'animation.
    premier = premier_plie()
    client.force_login(utilisateur(Role.ANIMATION, plie=premier))
    _operations([premier])
    generer(*((500, 5_000) if PETIT else (TAILLES["participants"] // PLIE, TAILLES["etapes"] // PLIE)))
    petit = _mesurer(client)

    # Elle en a 100 : les autres reçoivent autant d'opérations, les participants sont répartis entre tous.
    Participant.objects.filter(identifiant__startswith="BENCH-").delete()
    debut = time.perf_counter()
    reseau = plies(PLIE, pivot="OI pivot de banc", dans_le_pivot=PIVOT)
    _operations(reseau[1:])
    generer(TAILLES["participants"], TAILLES["etapes"], reseau=reseau)
    operations = list(Operation.objects.values_list("pk", flat=True))
    Seance.objects.bulk_create((Seance(operation_id=operations[i % len(operations)], heures=Decimal("3"),
                                       date=date(2016, 1, 4) + timedelta(days=(i // len(operations)) * 7),
                                       demi_journee="matin", lieu="Salle", formateur="Mme Roux")
                                for i in range(SEANCES)), batch_size=5000)
    generation = time.perf_counter() - debut
    grand = _mesurer(client)
    vues = (Operation.objects.filter(plie=premier).count(), Participant.objects.filter(plie=premier).count())

    # Un compte de l'organisme pivot, sans PLIE choisi : la vue consolidée de ses PLIE.
    client.force_login(utilisateur(Role.ANIMATION, plie=None, pivot=OrganismePivot.objects.get(nom="OI pivot de banc")))
    consolide = _mesurer(client)

    print(tableau(f"Banc d'essai : listes, {PLIE} PLIE ({Operation.objects.count():_} opérations, "
                  f"{Participant.objects.count():_} participants, {SEANCES:_} séances) ; génération {generation:.0f} s ; "
                  f"animation du PLIE n° 1 ({vues[0]:_} opérations, {vues[1]:_} participants)".replace("_", " "), [
        ("liste", "médiane", "p95", "requêtes (seul PLIE)", f"requêtes ({PLIE} PLIE)", "cible",
         f"pivot, {PIVOT} PLIE consolidés : médiane", "p95", "requêtes"),
        *[(a, f"{grand[a][0]:.0f} ms", f"{grand[a][1]:.0f} ms", petit[a][2], grand[a][2],
           f"≤ {MEDIANE} ms, p95 ≤ {P95} ms, ≤ {REQUETES} requêtes égales",
           f"{consolide[a][0]:.0f} ms", f"{consolide[a][1]:.0f} ms", consolide[a][2]) for a in LISTES],
    ]))
    for adresse in LISTES:
        mediane, p95, requetes = grand[adresse]
        # Le nombre de requêtes ne dépend ni du nombre de lignes ni du nombre de PLIE : vérifié à toute taille.
        assert requetes == petit[adresse][2], f"{adresse} : les requêtes croissent avec les lignes ou les PLIE"
        cible("listes", f"{adresse} médiane", f"{mediane:.0f} ms", f"≤ {MEDIANE} ms", mediane <= MEDIANE,
              f"un PLIE parmi {PLIE} ; seul PLIE : {petit[adresse][0]:.0f} ms")
        cible("listes", f"{adresse} p95", f"{p95:.0f} ms", f"≤ {P95} ms", p95 <= P95)
        cible("listes", f"{adresse} requêtes SQL", str(requetes), f"≤ {REQUETES}, égales", requetes <= REQUETES,
              f"{petit[adresse][2]} au seul PLIE, {requetes} à {PLIE}")
        cible("listes", f"{adresse} requêtes SQL, pivot sur {PIVOT} PLIE", str(consolide[adresse][2]),
              f"≤ {REQUETES}", consolide[adresse][2] <= REQUETES,
              f"médiane {consolide[adresse][0]:.0f} ms, p95 {consolide[adresse][1]:.0f} ms (information)")
    verifier("listes")
