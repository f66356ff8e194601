"""Les critères de sortie positive : des cas lisibles, puis hypothesis compare le moteur, pour des historiques d'étapes
tirés au hasard, à une implémentation de référence écrite ici jour par jour, sans astuce."""
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from hypothesis import given, settings
from hypothesis import strategies as st

from participants import criteres as module
from participants.criteres import FICHIER, CriteresInvalides, EtapeLue, criteres, lire, verdicts, verifier_en_base

AU = date(2017, 6, 30)
NE_EN_1970 = date(1970, 5, 1)


def motifs(etapes, naissance=NE_EN_1970, au=AU):
    return {v.critere.motif: v.rempli_le for v in verdicts(etapes, naissance, au)}


def test_cdi_de_six_mois():
    assert motifs([EtapeLue("CDI", date(2016, 10, 1), None)]) == {"CDI": date(2017, 4, 1)}
    assert motifs([EtapeLue("CDI", date(2017, 3, 1), None)]) == {}  # quatre mois seulement


def test_interim_cumule_dans_les_douze_mois():
    missions = [EtapeLue("INTERIM", date(2016, 9, 1) + timedelta(days=45 * k), date(2016, 9, 1) + timedelta(days=45 * k + 30))
                for k in range(6)]  # 6 missions de 31 jours espacées : 186 jours en 256 jours
    verdict = motifs(missions)
    assert "INTERIM_6M" in verdict and verdict["INTERIM_6M"] <= AU
    assert motifs(missions[:5]) == {}  # 155 jours : pas encore


def test_senior_en_chantier_selon_l_age():
    chantier = [EtapeLue("CHANTIER_INSERTION", date(2016, 6, 1), None)]
    assert motifs(chantier, naissance=date(1960, 1, 1)) == {"SENIOR_CHANTIER": date(2016, 11, 30)}
    assert motifs(chantier, naissance=date(1970, 1, 1)) == {}
    (verdict,) = verdicts(chantier, date(1960, 1, 1), AU)
    assert verdict.critere.commission  # à valider au cas par cas par la commission


# --- Implémentation de référence : jour par jour, sans optimisation ---

def reference(etapes, naissance, au):
    resultat = {}
    for critere in criteres():
        concernees = [e for e in etapes if e.type in critere.types and e.debut <= au]
        jour = None
        if critere.mode == "presence" and concernees:
            jour = min(e.debut for e in concernees)
        elif critere.mode == "duree_continue":
            candidats = [e.debut + timedelta(days=critere.jours - 1) for e in concernees
                         if (min(e.fin or au, au) - e.debut).days + 1 >= critere.jours]
            jour = min(candidats) if candidats else None
        elif critere.mode == "cumul_12_mois" and concernees:
            d = min(e.debut for e in concernees)
            while d <= au and jour is None:
                fenetre = 0
                for n in range(365):
                    x = d - timedelta(days=n)
                    if any(e.debut <= x <= min(e.fin or au, au) for e in concernees):
                        fenetre += 1
                if fenetre >= critere.jours:
                    jour = d
                d += timedelta(days=1)
        if jour is not None and critere.age_min is not None:
            age = jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))
            if age < critere.age_min:
                jour = None
        if jour is not None:
            resultat[critere.motif] = jour
    return resultat


TYPES = ["CDI", "INTERIM", "CDD_MOINS_6M", "CDD_PLUS_6M", "FORMATION_QUALIFIANTE", "CREATION_ACTIVITE",
         "CONTRAT_AIDE", "CHANTIER_INSERTION", "CDDI", "ACTION_PLIE"]


@st.composite
def etape(draw):
    debut = date(2016, 1, 1) + timedelta(days=draw(st.integers(0, 540)))
    duree = draw(st.one_of(st.none(), st.integers(0, 260)))
    return EtapeLue(draw(st.sampled_from(TYPES)), debut, None if duree is None else debut + timedelta(days=duree))


@settings(max_examples=60, deadline=None)
@given(st.lists(etape(), max_size=6), st.dates(date(1950, 1, 1), date(1998, 12, 31)))
def test_le_moteur_rend_le_verdict_de_la_reference(etapes, naissance):
    assert motifs(etapes, naissance) == reference(etapes, naissance, AU)


# --- Le fichier des critères : refusé au chargement s'il nomme un mode, un type d'étape ou un motif inconnu ---

def livres():
    return json.loads(FICHIER.read_text(encoding="utf-8"))["criteres"]


def avec(motif, **changement):
    return [{**c, **changement} if c["motif"] == motif else c for c in livres()]


def test_un_mode_inconnu_est_refuse_en_le_nommant():
    with pytest.raises(CriteresInvalides) as refus:
        lire(avec("CDI", mode="durée"))
    assert refus.value.erreurs == [
        "Critère « CDI » : mode « durée » inconnu (modes : duree_continue, cumul_12_mois, presence)"]


def test_un_champ_manquant_ou_inconnu_est_refuse():
    sans_jours = [{k: v for k, v in c.items() if k != "jours"} if c["motif"] == "CDD_6M" else c for c in livres()]
    with pytest.raises(CriteresInvalides, match="Critère « CDD_6M » : champ « jours » manquant"):
        lire(sans_jours)
    with pytest.raises(CriteresInvalides, match="Critère « CDI » : champ « duree » inconnu"):
        lire(avec("CDI", duree=183))


@pytest.mark.django_db
def test_les_criteres_livres_correspondent_aux_referentiels_en_base():
    from participants.models import MotifSortie

    assert verifier_en_base() == []
    # Chaque motif de sortie positive a le critère qui le définit (même code), et réciproquement.
    positifs = set(MotifSortie.objects.exclude(categorie="").values_list("code", flat=True))
    assert {c["motif"] for c in livres()} == positifs


@pytest.mark.django_db
def test_un_type_d_etape_ou_un_motif_inconnu_est_refuse_au_premier_usage():
    from participants.models import MotifSortie, TypeEtape

    TypeEtape.objects.filter(code="INTERIM").update(code="MISSION_INTERIM")
    MotifSortie.objects.filter(code="CREATION_ACTIVITE").update(code="CREATION")
    erreurs = verifier_en_base()
    assert erreurs[0].startswith("Critère « INTERIM_6M » : type d'étape « INTERIM » inconnu (types : ")
    assert "MISSION_INTERIM" in erreurs[0]
    assert erreurs[1].startswith("Critère « CREATION_ACTIVITE » : motif de sortie « CREATION_ACTIVITE » inconnu")
    assert erreurs[2] == "Motif de sortie positive « Création d'activité » (CREATION) : aucun critère ne le définit"
    module._verifies_en_base.cache_clear()
    try:
        with pytest.raises(CriteresInvalides, match="type d'étape « INTERIM » inconnu"):
            module.critere_du_motif("CDI")
    finally:
        module._verifies_en_base.cache_clear()


@pytest.mark.django_db
def test_la_commande_check_confronte_les_criteres_a_la_base():
    from participants.models import TypeEtape

    call_command("check", "--database", "default")  # rien à redire sur le référentiel livré
    TypeEtape.objects.filter(code="CDI").update(code="CDI_TEMPS_PLEIN")
    with pytest.raises(SystemCheckError, match="Critère « CDI » : type d'étape « CDI » inconnu"):
        call_command("check", "--database", "default")
    call_command("check")  # sans --database, la base n'est pas lue


def test_un_fichier_fautif_est_refuse_a_la_lecture_et_par_la_commande_check(monkeypatch, tmp_path):
    fautif = tmp_path / "criteres_sortie.json"
    fautif.write_text(json.dumps({"criteres": avec("CDI", mode="durée")}), encoding="utf-8")
    monkeypatch.setattr(module, "FICHIER", fautif)
    criteres.cache_clear()
    try:
        with pytest.raises(CriteresInvalides, match="Critère « CDI » : mode « durée » inconnu"):
            criteres()
        with pytest.raises(SystemCheckError, match="Critère « CDI » : mode « durée » inconnu"):
            call_command("check")
    finally:
        criteres.cache_clear()


def test_les_migrations_passent_la_verification_avant_que_la_base_soit_faite(tmp_path):
    """`migrate` lance les vérifications de la base avant de migrer : sur une base vide ou à moitié migrée, les
    critères ne sont pas encore comparables, rien n'est signalé ; une fois migrée, tout correspond."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'neuve.sqlite3'}"}

    def manage(*arguments):
        return subprocess.run([sys.executable, "manage.py", *arguments], cwd=racine, env=env, capture_output=True,
                              text=True)

    for etape in (["migrate", "participants", "0001", "-v0"], ["check", "--database", "default"], ["migrate", "-v0"],
                  ["check", "--database", "default"]):
        resultat = manage(*etape)
        assert resultat.returncode == 0, (etape, resultat.stderr)
