"""Banc d'essai des clauses d'insertion à l'échelle d'un réseau de PLIE : un million de lignes d'heures (BENCH_CLAUSES)
sur huit ans, l'import contre COPY des mêmes lignes, la partie clauses du rapport contre sa référence SQL, dans le même
passage. `make bench ARGS=tests/bench/test_bench_clauses.py` ; les résultats s'impriment en tableau.

Les participants sont répartis entre les PLIE d'un réseau (BENCH_PLIE) ; chaque PLIE importe le fichier de ses
salariés (les lignes d'un participant vont au PLIE du participant), et l'import se mesure sur l'ensemble de ces
imports. La partie clauses du rapport se mesure pour le PLIE n° 1 et consolidée sur tous, chacune contre sa référence
SQL restreinte aux mêmes PLIE.

Cibles : import au moins au dixième du débit de COPY des mêmes lignes dans leur table ; partie clauses du rapport en
moins de 10 s et moins de 3 fois sa référence SQL ; mémoire sous 2 Gio.
"""
import csv
import io
import time
from datetime import date

import pytest
from django.db import connection, transaction

from participants.importation_clauses import ORDRE_HEURES, analyser, importer
from participants.models import HeuresClause, Participant
from participants.rapport_clauses import chiffres_clauses

from .conftest import PLIE, TAILLES, cible, memoire_max_mio, tableau, verifier
from .population import generer, plies
from .rapport_sql import clauses_sql
from .test_bench_participants import chrono

pytestmark = pytest.mark.django_db(transaction=True)
PERIODE = (date(2016, 1, 1), date(2016, 12, 31))
MARCHES = [(f"Marché {n:03d}", f"Entreprise {n % 40:02d}", "BTP" if n % 3 else "SERVICES") for n in range(120)]
CONTRATS = ["CTTI", "CTTI", "CTTI", "C_PRO", "CDD", "CDDI", "CDI"]
PRESCRIPTEURS = ["PLIE", "PLIE", "EUREKA_INTERIM", "IDEES_INTERIM", "POLE_EMPLOI", "ARIQ_BTP", "MDEF"]


def _fichiers(lignes: int, identifiants: list[tuple[str, int]], reseau: list[int]) -> dict[int, tuple[bytes, bytes]]:
    """Des salariés qui travaillent douze mois de suite sur un marché, de 2014 à 2021 ; neuf sur dix participants.
    Les fichiers de chaque PLIE : les salariés de ses participants, et sa part des autres."""
    fichiers = {}
    for plie in reseau:
        heures, orientations = io.StringIO(), io.StringIO()
        h, o = csv.writer(heures, delimiter=";"), csv.writer(orientations, delimiter=";")
        h.writerow(["salarie", "identifiant_participant", "sexe", "qpv", "employeur", "marche", "secteur", "contrat",
                    "mois", "heures"])
        o.writerow(["candidat", "identifiant_participant", "date", "prescripteur", "qpv", "secteur", "date_validation"])
        fichiers[plie] = (heures, orientations, h, o)
    for salarie in range((lignes + 11) // 12):
        # Un sur dix n'est pas participant : le rang 3 de chaque dizaine, pour que chaque PLIE ait ses participants
        # salariés (le PLIE n° 1 reçoit les participants de rang multiple du nombre de PLIE).
        participant, plie = (identifiants[salarie % len(identifiants)] if salarie % 10 != 3
                             else ("", reseau[salarie % len(reseau)]))
        _, _, h, o = fichiers[plie]
        marche, employeur, secteur = MARCHES[salarie % len(MARCHES)]
        contrat, debut = CONTRATS[salarie % len(CONTRATS)], salarie % 85
        qpv = "DIJON - Grésilles" if salarie % 4 == 0 else ""
        for rang in range(min(12, lignes - salarie * 12)):
            mois = debut + rang
            h.writerow([f"S{salarie:07d}", participant, "HF"[salarie % 5 == 0], qpv, employeur, marche, secteur, contrat,
                        f"{2014 + mois // 12}-{mois % 12 + 1:02d}", 35 + (salarie + rang) % 120])
        if salarie % 3 == 0:
            jour = date(2014 + debut // 12, debut % 12 + 1, 1 + salarie % 27)
            o.writerow([f"C{salarie:07d}", participant, jour.isoformat(), PRESCRIPTEURS[salarie % len(PRESCRIPTEURS)],
                        qpv, ["BTP", "SERVICES", "LES_DEUX"][salarie // 3 % 3], jour.isoformat() if salarie % 2 else ""])
    return {plie: (heures.getvalue().encode(), orientations.getvalue().encode())
            for plie, (heures, orientations, _, _) in fichiers.items()}


def _comparer(plies_comptes: list[int]) -> tuple[float, float]:
    """La partie clauses du rapport de ces PLIE et sa référence SQL, médianes de 3 ; les chiffres vérifiés égaux."""
    duree_app, clauses = chrono(lambda: chiffres_clauses(*PERIODE, plies_comptes))
    duree_sql, reference = chrono(lambda: clauses_sql(*PERIODE, plies_comptes))
    # Les deux calculs disent la même chose, tous les chiffres de la partie : sinon la comparaison ne vaut rien.
    assert clauses == reference
    assert clauses["heures"]["total"] > 0 and clauses["participants_plie"]["total"] > 0
    return duree_app, duree_sql


def test_import_et_rapport_des_clauses_a_l_echelle():
    lignes = TAILLES["clauses"]
    debut = time.perf_counter()
    reseau = plies(PLIE)
    generer(max(lignes // 20, 1000), 0, reseau=reseau)
    identifiants = list(Participant.objects.values_list("identifiant", "plie_id").order_by("pk"))
    fichiers = _fichiers(lignes, identifiants, [p.pk for p in reseau])
    generation = time.perf_counter() - debut

    debut = time.perf_counter()
    analyses, heures_creees = [], 0
    for plie in reseau:
        analyse = analyser(("heures.csv", fichiers[plie.pk][0]), ("orientations.csv", fichiers[plie.pk][1]), plie=plie)
        heures_creees += importer(analyse).heures_creees
        analyses.append(analyse)
    duree_import = time.perf_counter() - debut
    assert heures_creees == lignes
    duree_copy = _copy_dans_la_table(analyses)
    duree_copy_nue = sum(_copy(heures, rang) for rang, (heures, _) in enumerate(fichiers.values()))
    orientations = sum(len(a.orientations) for a in analyses)
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE participants_heuresclause; ANALYZE participants_orientationclause;")

    duree_un, duree_sql_un = _comparer([reseau[0].pk])
    duree_app, duree_sql = _comparer([p.pk for p in reseau])

    def n(x):
        return f"{x:,}".replace(",", " ")

    print(tableau(f"Banc d'essai des clauses : {n(lignes)} lignes d'heures, {n(orientations)} orientations, "
                  f"{PLIE} PLIE (PostgreSQL)", [
        ("mesure", "valeur", "cible"),
        ("génération (participants par COPY, fichiers CSV)", f"{generation:.1f} s", ""),
        (f"import de {lignes:,} lignes d'heures et des orientations, un import par PLIE".replace(",", " "),
         f"{duree_import:.1f} s ({lignes / duree_import:,.0f} lignes/s)".replace(",", " "), ""),
        ("COPY des mêmes heures dans leur table", f"{duree_copy:.2f} s ({lignes / duree_copy:,.0f} lignes/s)".replace(",", " "), ""),
        ("import / COPY (débit)", f"{duree_copy / duree_import:.2f}", "> 0,1"),
        ("COPY du fichier brut dans une table de textes", f"{duree_copy_nue:.2f} s", ""),
        ("partie clauses du rapport du PLIE n° 1, médiane de 3", f"{duree_un:.3f} s", "< 10 s"),
        ("référence SQL du même PLIE, médiane de 3", f"{duree_sql_un:.3f} s", ""),
        ("rapport d'un PLIE / référence SQL", f"{duree_un / duree_sql_un:.2f}", "< 3"),
        (f"partie clauses du rapport consolidé des {PLIE} PLIE, médiane de 3", f"{duree_app:.2f} s", "< 10 s"),
        ("référence SQL, médiane de 3", f"{duree_sql:.2f} s", ""),
        ("rapport consolidé / référence SQL", f"{duree_app / duree_sql:.2f}", "< 3"),
        ("mémoire maximale du processus", f"{memoire_max_mio():.0f} Mio", "< 2048 Mio"),
    ]))
    banc = "clauses"
    cible(banc, "import / COPY dans la table (débit)", f"{duree_copy / duree_import:.2f}", "> 0,1",
          duree_copy / duree_import > 0.1, f"COPY {duree_copy:.2f} s")
    cible(banc, "partie clauses du rapport d'un PLIE", f"{duree_un:.3f} s", "< 10 s", duree_un < 10,
          f"un PLIE parmi {PLIE}")
    cible(banc, "partie clauses d'un PLIE / référence SQL", f"{duree_un / duree_sql_un:.2f}", "< 3",
          duree_un / duree_sql_un < 3, f"référence {duree_sql_un:.3f} s, mêmes chiffres")
    cible(banc, f"partie clauses du rapport consolidé ({PLIE} PLIE)", f"{duree_app:.2f} s", "< 10 s", duree_app < 10)
    cible(banc, "partie clauses consolidée / référence SQL", f"{duree_app / duree_sql:.2f}", "< 3",
          duree_app / duree_sql < 3, f"référence {duree_sql:.2f} s, mêmes chiffres")
    cible(banc, "mémoire maximale du processus", f"{memoire_max_mio():.0f} Mio", "< 2048 Mio", memoire_max_mio() < 2048)
    verifier(banc)


def _copy_dans_la_table(analyses) -> float:
    """La référence de l'import : les mêmes lignes, vérifiées et leurs référentiels résolus, chargées par COPY dans
    leur table, dans leur PLIE (mêmes index, mêmes contraintes) et validées, sous d'autres identifiants de salariés."""
    colonnes = ["plie_id", *(HeuresClause._meta.get_field(c).column for c in ORDRE_HEURES)]
    tampon = io.StringIO()
    for analyse in analyses:
        for ligne in analyse.heures:
            tampon.write("\t".join("\\N" if v is None else str(v)
                                   for v in (analyse.plie_id, "COPY-" + ligne[0], *ligne[1:])) + "\n")
    donnees = tampon.getvalue().encode()
    debut = time.perf_counter()
    with transaction.atomic(), connection.cursor() as curseur, curseur.connection.cursor().copy(
            f"COPY participants_heuresclause ({', '.join(colonnes)}) FROM STDIN") as copie:
        copie.write(donnees)
    duree = time.perf_counter() - debut
    HeuresClause.objects.filter(salarie__startswith="COPY-").delete()
    return duree


def _copy(contenu: bytes, rang: int) -> float:
    with connection.cursor() as curseur:
        curseur.execute(f"CREATE TEMP TABLE banc_copy_clauses_{rang} (salarie text, participant text, sexe text, qpv text, "
                        "employeur text, marche text, secteur text, contrat text, mois text, heures text)")
        debut = time.perf_counter()
        with curseur.connection.cursor().copy(
                f"COPY banc_copy_clauses_{rang} FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)") as copie:
            copie.write(contenu)
        return time.perf_counter() - debut
