"""L'arithmétique du FSE dû : des cas vérifiés à la main pour chaque option de coûts du programme 2014-2020, le
plafond, l'extrapolation ; et des propriétés tirées au hasard (hypothesis) qui doivent tenir pour toutes les lignes
possibles. Les options viennent du référentiel livré (operations/referentiel/programmes.json), sans base de données."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from justificatifs.calcul import ControleIncomplet, Ligne, calculer
from operations.programmes import option_de_couts, options_de_couts
from tests.justificatifs.factories import programme_livre

D = Decimal
FSE_2014 = programme_livre("FSE_2014_2020")
FSEPLUS_2021 = programme_livre("FSEPLUS_2021_2027")
REELS = option_de_couts(FSE_2014, "reels")
# Le plan des fabriques de test : 15 000 € de personnel, 794,30 € de déplacements, 2 250 € de forfait indirect ;
# 18 044,30 € au total, dont 9 022,15 € de FSE (50 %), avance de 30 % = 2 706,65 €.
PLAN = dict(montant_fse=D("9022.15"), cout_total=D("18044.30"), plafond=D("9022.15"), avance=D("2706.65"))


def lignes(personnel="14000", fonctionnement="500", indirectes="2250"):
    return [Ligne("personnel", D("15000"), D(personnel)), Ligne("fonctionnement", D("794.30"), D(fonctionnement)),
            Ligne("indirectes", D("2250"), D(indirectes))]


@pytest.mark.parametrize(("regime", "forfait", "eligible", "fse_du", "solde"), [
    # Coûts réels : 14 000 + 500 + 2 250 = 16 750 ; × 50 % = 8 375 ; − 2 706,65.
    ("reels", "0", "16750", "8375.00", "5668.35"),
    # 15 % de 14 000 = 2 100 ; le forfait déclaré (2 250) ne compte pas : 14 000 + 500 + 2 100 = 16 600.
    ("indirects_15", "2100", "16600", "8300.00", "5593.35"),
    # 20 % de (14 000 + 500) = 2 900 ; 14 500 + 2 900 = 17 400.
    ("indirects_20", "2900", "17400", "8700.00", "5993.35"),
    # 40 % de 14 000 = 5 600 ; seul le personnel s'y ajoute : 19 600 × 50 % = 9 800, plafonné à 9 022,15.
    ("restants_40", "5600", "19600", "9022.15", "6315.50"),
])
def test_cas_calcules_a_la_main(regime, forfait, eligible, fse_du, solde):
    calcul = calculer(lignes(), option=option_de_couts(FSE_2014, regime), extrapolation_autorisee=False, **PLAN)
    assert (calcul.forfait, calcul.eligible, calcul.fse_du, calcul.solde) == (D(forfait), D(eligible), D(fse_du), D(solde))
    assert any("Solde" in e for e in calcul.etapes)


def test_le_plafond_et_le_trop_percu():
    calcul = calculer(lignes(personnel="0", fonctionnement="0", indirectes="0"), option=REELS,
                      extrapolation_autorisee=False, **PLAN)
    assert (calcul.fse_du, calcul.solde) == (D("0.00"), D("-2706.65"))
    assert "trop-perçu à reverser" in calcul.etapes[-1]


def dix_lignes(retenus):
    return [Ligne("personnel", D("1000"), None if r is None else D(r)) for r in retenus]


def test_l_extrapolation_du_taux_d_erreur():
    # Échantillon de 4 lignes : 4 000 € déclarés, 3 600 € retenus, 10 % d'erreur ; les 6 autres retenues à 900 €.
    echantillon = dix_lignes(["1000", "1000", "900", "700"] + [None] * 6)
    calcul = calculer(echantillon, option=REELS, montant_fse=D("5000"), cout_total=D("10000"), plafond=D("5000"),
                      avance=D("0"), extrapolation_autorisee=True)
    assert (calcul.taux_erreur, calcul.retenu_direct, calcul.fse_du) == (D("0.1"), D("9000.00"), D("4500.00"))
    assert calcul.etapes[0].startswith("Échantillon : 4 dépense(s) sur 10")
    with pytest.raises(ControleIncomplet, match="n'autorise pas l'extrapolation, le contrôle doit être exhaustif"):
        calculer(echantillon, option=REELS, montant_fse=D("5000"), cout_total=D("10000"), plafond=D("5000"),
                 avance=D("0"), extrapolation_autorisee=False)


montants = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
categories = st.sampled_from(["personnel", "fonctionnement", "prestations", "indirectes"])
options = st.sampled_from(options_de_couts(FSE_2014) + options_de_couts(FSEPLUS_2021))


@st.composite
def lignes_controlees(draw):
    resultat = []
    for _ in range(draw(st.integers(1, 12))):
        declare = draw(montants)
        retenu = draw(st.decimals(min_value=0, max_value=declare, places=2))
        resultat.append(Ligne(draw(categories), declare, retenu))
    return resultat


@given(lignes=lignes_controlees(), option=options, plafond=montants, avance=montants)
def test_proprietes_du_fse_du(lignes, option, plafond, avance):
    cout_total = sum((l.declare for l in lignes), D(0)) or D(1)
    montant_fse = (cout_total * D("0.5")).quantize(D("0.01"))
    calcul = calculer(lignes, option=option, montant_fse=montant_fse, cout_total=cout_total, plafond=plafond,
                      avance=avance, extrapolation_autorisee=False)
    # Chaque montant calculé tombe au centime.
    assert all(m == m.quantize(D("0.01")) for m in (calcul.forfait, calcul.fse_calcule, calcul.fse_du))
    assert D(0) <= calcul.fse_du <= plafond
    assert calcul.solde == calcul.fse_du - avance
    assert calcul.eligible == calcul.retenu_direct + calcul.forfait
    # Retenir moins ne fait jamais monter le FSE dû.
    moins = [Ligne(l.categorie, l.declare, D(0)) if i == 0 else l for i, l in enumerate(lignes)]
    assert calculer(moins, option=option, montant_fse=montant_fse, cout_total=cout_total, plafond=plafond,
                    avance=avance, extrapolation_autorisee=False).fse_du <= calcul.fse_du


@given(lignes=lignes_controlees())
def test_tout_retenu_au_reel_donne_le_declare(lignes):
    tout = [Ligne(l.categorie, l.declare, l.declare) for l in lignes]
    calcul = calculer(tout, option=REELS, montant_fse=D("1"), cout_total=D("1"), plafond=D("10000000"),
                      avance=D(0), extrapolation_autorisee=False)
    assert calcul.eligible == calcul.declare == calcul.fse_du
