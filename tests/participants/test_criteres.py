"""Les critères de sortie positive : des cas lisibles, puis hypothesis compare le moteur, pour des historiques d'étapes
tirés au hasard, à une implémentation de référence écrite ici jour par jour, sans astuce."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from participants.criteres import EtapeLue, criteres, verdicts

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
