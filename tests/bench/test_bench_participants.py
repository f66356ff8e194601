"""Banc d'essai des participants à l'échelle d'un réseau de PLIE : rapport d'activité contre sa référence SQL,
import contre COPY, mémoire. `make bench` ; les résultats s'impriment en tableau et au récapitulatif des cibles.

La population est répartie entre les PLIE d'un réseau (BENCH_PLIE). Le rapport mesuré est celui d'un utilisateur d'un
PLIE (le n° 1 : `rapport_activite(..., plies=[n° 1])`) contre la référence SQL restreinte au même PLIE ; le rapport
consolidé de tous les PLIE l'est aussi, contre la référence de tous les PLIE. L'import se fait dans le PLIE n° 1.

Cibles (issues 5, 8 et 19) : rapport JSON en moins de 10 s et au plus 1,5 fois sa référence SQL en un parcours
(`rapport_sql.py`, qui doit donner exactement les mêmes chiffres : les quatre parties comparées dict à dict) ; import
de 100 000 lignes aux valeurs réalistes (`population.Tirage`) en moins de 20 s et au moins à la moitié du débit de
COPY des mêmes participants dans leur table ; mémoire sous 1 Gio.
"""
import csv
import io
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from annuaire.models import Structure
from annuaire.roles import Role
from justificatifs.aides import TYPE_ENVELOPPE, Aide
from justificatifs.options import EtatAide, MotifAide, NatureAide
from operations.models import TypeOperation
from operations.options import Etat
from participants.importation import CHAMPS_PARTICIPANT, QUESTIONNAIRE, analyser, importer
from participants.models import Participant
from participants.rapport import rapport_activite

from tests.factories import OperationFactory, utilisateur

from .conftest import PLIE, TAILLES, cible, memoire_max_mio, tableau, verifier
from .population import Tirage, generer, plies
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


def _comparer(plies_comptes: list[int], repetitions: int = 3) -> tuple[float, float, int]:
    """Le rapport de ces PLIE et sa référence SQL, médianes de `repetitions` ; les chiffres vérifiés égaux. Rend
    aussi le nombre de participants accompagnés."""
    duree_app, rapport = chrono(lambda: rapport_activite(*PERIODE, plies=plies_comptes), repetitions)
    duree_sql, reference = chrono(lambda: rapport_sql(*PERIODE, plies=plies_comptes), repetitions)
    # Les deux calculs disent la même chose, chiffre par chiffre, toutes les parties du rapport : sinon la
    # comparaison ne vaut rien.
    assert set(rapport) - {"periode"} == set(reference)
    for partie in reference:
        assert rapport[partie] == reference[partie], partie
    assert rapport["accompagnes"]["total"] > 0 and rapport["sorties"]["total"] > 0
    assert rapport["enveloppe_souple"]["participants_aides"]["total"] > 0
    return duree_app, duree_sql, rapport["accompagnes"]["total"]


def test_rapport_et_import_a_l_echelle():
    debut = time.perf_counter()
    reseau = plies(PLIE)
    generer(TAILLES["participants"], TAILLES["etapes"], reseau=reseau)
    for plie in reseau[:2]:
        _aides(plie, 300)
    generation = time.perf_counter() - debut
    premier = reseau[0]

    # Un PLIE : un dixième de seconde, médiane de 11 pour que la charge de la machine pèse moins.
    duree_un, duree_sql_un, accompagnes_un = _comparer([premier.pk], repetitions=11)
    duree_app, duree_sql, accompagnes = _comparer([p.pk for p in reseau])
    assert accompagnes_un < accompagnes  # le rapport d'un PLIE ne compte que les siens

    lignes = TAILLES["import"]
    fichier = _extraction(lignes)
    debut = time.perf_counter()
    analyse = analyser(("bench.csv", fichier), plie=premier)
    trace = importer(analyse)
    duree_import = time.perf_counter() - debut
    assert trace.participants_crees == lignes
    duree_copy = _copy_dans_la_table(analyse)
    duree_copy_nue = _copy(fichier)
    memoire = memoire_max_mio()

    banc = "participants"
    un = f"{TAILLES['participants'] // PLIE:,} participants".replace(",", " ")
    cible(banc, "rapport d'activité JSON d'un PLIE", f"{duree_un:.2f} s", "< 10 s", duree_un < 10,
          f"un PLIE parmi {PLIE} ({un})")
    cible(banc, "rapport d'un PLIE / référence SQL du même PLIE", f"{duree_un / duree_sql_un:.2f}", "≤ 1,5",
          duree_un <= 1.5 * duree_sql_un, f"référence {duree_sql_un:.3f} s, mêmes chiffres")
    cible(banc, f"rapport d'activité JSON consolidé ({PLIE} PLIE)", f"{duree_app:.2f} s", "< 10 s", duree_app < 10)
    cible(banc, "rapport consolidé / référence SQL en un parcours", f"{duree_app / duree_sql:.2f}", "≤ 1,5",
          duree_app <= 1.5 * duree_sql, f"référence {duree_sql:.2f} s, mêmes chiffres")
    cible(banc, f"import de {lignes:_} lignes".replace("_", " "), f"{duree_import:.1f} s", "< 20 s", duree_import < 20)
    cible(banc, "import / COPY dans la table (débit)", f"{duree_copy / duree_import:.2f}", "≥ 0,5",
          duree_copy / duree_import >= 0.5, f"COPY {duree_copy:.2f} s")
    cible(banc, "mémoire maximale du processus", f"{memoire:.0f} Mio", "< 1024 Mio", memoire < 1024)
    print(tableau(f"Banc d'essai : {TAILLES['participants']:,} participants, {TAILLES['etapes']:,} étapes, {PLIE} PLIE (PostgreSQL)".replace(",", " "), [
        ("mesure", "valeur", "cible"),
        ("génération de la population (COPY)", f"{generation:.1f} s", ""),
        (f"rapport d'activité JSON du PLIE n° 1 ({un}), médiane de 11", f"{duree_un:.3f} s", "< 10 s"),
        ("référence SQL du même PLIE (mêmes chiffres), médiane de 11", f"{duree_sql_un:.3f} s", ""),
        ("rapport d'un PLIE / référence SQL", f"{duree_un / duree_sql_un:.2f}", "≤ 1,5"),
        (f"rapport d'activité JSON consolidé des {PLIE} PLIE, médiane de 3", f"{duree_app:.2f} s", "< 10 s"),
        ("référence SQL en un parcours (mêmes chiffres), médiane de 3", f"{duree_sql:.2f} s", ""),
        ("rapport consolidé / référence SQL", f"{duree_app / duree_sql:.2f}", "≤ 1,5"),
        (f"import de {lignes:,} lignes".replace(",", " "), f"{duree_import:.1f} s ({lignes / duree_import:,.0f} lignes/s)".replace(",", " "), "< 20 s"),
        ("COPY des mêmes participants dans leur table", f"{duree_copy:.2f} s ({lignes / duree_copy:,.0f} lignes/s)".replace(",", " "), ""),
        ("import / COPY (débit)", f"{duree_copy / duree_import:.2f}", "≥ 0,5"),
        ("COPY du fichier brut dans une table de textes", f"{duree_copy_nue:.2f} s ({lignes / duree_copy_nue:,.0f} lignes/s)".replace(",", " "), ""),
        ("mémoire maximale du processus", f"{memoire:.0f} Mio", "< 1024 Mio"),
    ]))
    verifier(banc)


def _aides(plie, nombre: int):
    """Des aides de l'enveloppe souple du PLIE, dans tous les états, décidées et payées en 2015-2017 : la partie
    « enveloppe souple » du rapport a des chiffres à comparer (le PLIE n° 2 en a aussi, que le n° 1 ne compte pas)."""
    porteur = Structure.objects.create(plie=plie, nom=f"Porteur de l'enveloppe du {plie.nom}",
                                       categorie=Structure.Categorie.PORTEUR)
    enveloppe = OperationFactory(plie=plie, porteur=porteur, etat=Etat.EN_REALISATION,
                                 type=TypeOperation.objects.get(code=TYPE_ENVELOPPE))
    referent = utilisateur(Role.REFERENT, plie=plie, structure=porteur)
    participants = list(Participant.objects.filter(plie=plie).order_by("pk").values_list("pk", flat=True)[:nombre])
    etats, motifs, natures = list(EtatAide), list(MotifAide), list(NatureAide)
    aides = []
    for rang, participant in enumerate(participants):
        etat, demandee = etats[rang % len(etats)], date(2015, 1, 1) + timedelta(days=rang * 3 % 1000)
        decidee = etat not in (EtatAide.DEMANDEE, EtatAide.COMPLEMENT_DEMANDE)
        accorde = Decimal(100 + rang % 7 * 45) if etat in (EtatAide.ACCORDEE, EtatAide.PAYEE, EtatAide.ANNULEE) else None
        aides.append(Aide(participant_id=participant, operation=enveloppe, demandee_par=referent, demandee_le=demandee,
                          motif=motifs[rang % len(motifs)], nature=natures[rang // 3 % len(natures)],
                          montant_demande=Decimal(450), justification="Banc d'essai", etat=etat, montant_accorde=accorde,
                          decidee_le=demandee + timedelta(days=10) if decidee else None,
                          payee_le=demandee + timedelta(days=40) if etat == EtatAide.PAYEE else None,
                          montant_paye=accorde - rang % 3 * Decimal("12.5") if etat == EtatAide.PAYEE else None))
    Aide.objects.bulk_create(aides)


def _extraction(lignes: int) -> bytes:
    """Une extraction de l'outil de suivi aux valeurs tirées comme dans la réalité : des milliers de noms et de dates
    distincts, les communes et quartiers du PLIE n° 1 (où se fait l'import), les prescripteurs et motifs du
    référentiel, capitales ou non."""
    tirage = Tirage(random.Random(7))
    hasard = tirage.hasard
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["identifiant", "nom", "prenom", "sexe", "date_naissance", "commune", "qpv", "prescripteur",
                       "date_entree", "date_sortie", "motif_sortie", "situation_entree"])
    situations = ["DE", "DELD", "DELD", "INACTIF", "EMPLOI"]
    for rang in range(lignes):
        entree = tirage.jour(date(2014, 1, 1), 1400)
        sortie_ = tirage.jour(entree + timedelta(days=30), 900) if hasard.random() < 0.4 else None
        ecrivain.writerow([f"IMP-{rang:07d}", tirage.nom(), tirage.prenom(), hasard.choice("HF"),
                           f"{tirage.naissance(entree):%d/%m/%Y}", tirage.commune()[1], tirage.quartier()[1],
                           tirage.prescripteur()[1], f"{entree:%d/%m/%Y}", f"{sortie_:%d/%m/%Y}" if sortie_ else "",
                           tirage.motif()[1] if sortie_ else "", hasard.choice(situations)])
    return sortie.getvalue().encode("utf-8")


def _copy_dans_la_table(analyse) -> float:
    """La référence de l'import : les mêmes participants, déjà vérifiés et leurs référentiels résolus, chargés par
    COPY dans leur table (mêmes index, mêmes contraintes) et validés (COMMIT compris), sous d'autres identifiants."""
    ecrits = [*CHAMPS_PARTICIPANT, *QUESTIONNAIRE]  # les colonnes absentes du fichier : leur valeur par défaut
    defauts = {c: Participant._meta.get_field(c).get_default() for c in QUESTIONNAIRE}
    champs = ["plie_id", "identifiant", *ecrits, "statut_entree", "motif_refus_entree", "cree_le", "modifie_le"]
    tampon = io.StringIO()
    for p in analyse.participants.values():
        valeurs = [analyse.plie_id, f"COPY-{p['identifiant']}", *(p.get(c, defauts.get(c)) for c in ecrits), "entre", "",
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
