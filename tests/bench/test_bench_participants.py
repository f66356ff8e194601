"""Banc d'essai des participants à l'échelle d'un réseau de PLIE : rapport d'activité contre sa référence SQL,
import contre COPY, mémoire. `make bench` ; les résultats s'impriment en tableau.

Cibles (issues 5 et 8) : rapport JSON en moins de 10 s et moins de 3 fois sa référence SQL ; import de 100 000 lignes
en moins de 20 s et au moins au dixième du débit de COPY des mêmes participants dans leur table ; mémoire sous 1 Gio.
"""
import csv
import io
import statistics
import time
from datetime import date

import pytest
from django.db import connection, transaction

from participants.importation import CHAMPS_PARTICIPANT, QUESTIONNAIRE, analyser, importer
from participants.models import Participant
from participants.rapport import rapport_activite

from .conftest import TAILLES, memoire_max_mio, tableau
from .population import generer
from .rapport_sql import rapport_sql

pytestmark = pytest.mark.django_db(transaction=True)
PERIODE = (date(2016, 1, 1), date(2016, 12, 31))


def chrono(fonction, repetitions=3):
    durees, resultat = [], None
    for _ in range(repetitions):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees), resultat


def test_rapport_et_import_a_l_echelle():
    debut = time.perf_counter()
    generer(TAILLES["participants"], TAILLES["etapes"])
    generation = time.perf_counter() - debut

    duree_app, rapport = chrono(lambda: rapport_activite(*PERIODE))
    duree_sql, reference = chrono(lambda: rapport_sql(*PERIODE))
    # Les deux calculs disent la même chose : sinon la comparaison ne vaut rien.
    assert rapport["accompagnes"]["total"] == reference["accompagnes"]
    assert rapport["entrees"]["total"] == reference["entrees"]
    assert (rapport["etapes"]["total"], rapport["etapes"]["vers_emploi"]) == (reference["etapes"], reference["vers_emploi"])
    assert (rapport["sorties"]["total"], rapport["sorties"]["positives"]) == (reference["sorties"], reference["positives"])

    lignes = TAILLES["import"]
    fichier = _extraction(lignes)
    debut = time.perf_counter()
    analyse = analyser(("bench.csv", fichier))
    trace = importer(analyse)
    duree_import = time.perf_counter() - debut
    assert trace.participants_crees == lignes
    duree_copy = _copy_dans_la_table(analyse)
    duree_copy_nue = _copy(fichier)

    print(tableau(f"Banc d'essai : {TAILLES['participants']:,} participants, {TAILLES['etapes']:,} étapes (PostgreSQL)".replace(",", " "), [
        ("mesure", "valeur", "cible"),
        ("génération de la population (COPY)", f"{generation:.1f} s", ""),
        ("rapport d'activité JSON, médiane de 3", f"{duree_app:.2f} s", "< 10 s"),
        ("référence SQL du rapport, médiane de 3", f"{duree_sql:.2f} s", ""),
        ("rapport / référence SQL", f"{duree_app / duree_sql:.2f}", "< 3"),
        (f"import de {lignes:,} lignes".replace(",", " "), f"{duree_import:.1f} s ({lignes / duree_import:,.0f} lignes/s)".replace(",", " "), "< 20 s"),
        ("COPY des mêmes participants dans leur table", f"{duree_copy:.2f} s ({lignes / duree_copy:,.0f} lignes/s)".replace(",", " "), ""),
        ("import / COPY (débit)", f"{duree_copy / duree_import:.2f}", "> 0,1"),
        ("COPY du fichier brut dans une table de textes", f"{duree_copy_nue:.2f} s ({lignes / duree_copy_nue:,.0f} lignes/s)".replace(",", " "), ""),
        ("mémoire maximale du processus", f"{memoire_max_mio():.0f} Mio", "< 1024 Mio"),
    ]))
    assert duree_app < 10 and duree_app / duree_sql < 3
    assert duree_import < 20 and duree_copy / duree_import > 0.1
    assert memoire_max_mio() < 1024


def _extraction(lignes: int) -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["identifiant", "nom", "prenom", "sexe", "date_naissance", "commune", "qpv", "prescripteur",
                       "date_entree", "date_sortie", "motif_sortie", "situation_entree"])
    communes = ["Dijon", "CHENÔVE", "Talant", "Quetigny", "Longvic"]
    for rang in range(lignes):
        sortie_ = "30/06/2017" if rang % 3 == 0 else ""
        ecrivain.writerow([f"IMP-{rang:07d}", "Martin", "Élodie", "HF"[rang % 2], "12/03/1980", communes[rang % 5], "",
                           "POLE_EMPLOI", "01/02/2016", sortie_, "CDI" if sortie_ else "", "DELD"])
    return sortie.getvalue().encode("utf-8")


def _copy_dans_la_table(analyse) -> float:
    """La référence de l'import : les mêmes participants, déjà vérifiés et leurs référentiels résolus, chargés par
    COPY dans leur table (mêmes index, mêmes contraintes) et validés (COMMIT compris), sous d'autres identifiants."""
    ecrits = [*CHAMPS_PARTICIPANT, *QUESTIONNAIRE]  # les colonnes absentes du fichier : leur valeur par défaut
    defauts = {c: Participant._meta.get_field(c).get_default() for c in QUESTIONNAIRE}
    champs = ["identifiant", *ecrits, "statut_entree", "motif_refus_entree", "cree_le", "modifie_le"]
    tampon = io.StringIO()
    for p in analyse.participants.values():
        valeurs = [f"COPY-{p['identifiant']}", *(p.get(c, defauts.get(c)) for c in ecrits), "entre", "",
                   "2026-01-01 00:00+00", "2026-01-01 00:00+00"]
        tampon.write("\t".join("\\N" if v is None else str(v) for v in valeurs) + "\n")
    donnees = tampon.getvalue().encode()
    debut = time.perf_counter()
    with transaction.atomic(), connection.cursor() as curseur, curseur.connection.cursor().copy(
            f"COPY participants_participant ({', '.join(champs)}) FROM STDIN") as copie:
        copie.write(donnees)
    duree = time.perf_counter() - debut
    Participant.objects.filter(identifiant__startswith="COPY-").delete()
    return duree


def _copy(contenu: bytes) -> float:
    """PostgreSQL seul : COPY du même fichier dans une table temporaire de même forme (textes)."""
    with connection.cursor() as curseur:
        curseur.execute("CREATE TEMP TABLE banc_copy (identifiant text, nom text, prenom text, sexe text, "
                        "date_naissance text, commune text, qpv text, prescripteur text, date_entree text, "
                        "date_sortie text, motif_sortie text, situation_entree text)")
        debut = time.perf_counter()
        with curseur.connection.cursor().copy(
                "COPY banc_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)") as copie:
            copie.write(contenu)
        return time.perf_counter() - debut
