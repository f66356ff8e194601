"""Le référentiel d'une installation neuve (migrations de données) et les formats fr-FR."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from annuaire.formats import euros, lire_montant, pluriel
from annuaire.models import Commune, Financeur, Prescripteur, Qpv
from annuaire.normalisation import cle_de_recherche
from annuaire.roles import Role
from operations.models import Indicateur, TypeOperation

# D'après /work/shared/specs/import-participants.md : les 24 communes du Grand Dijon en 2016.
COMMUNES = {
    "Ahuy", "Bressey-sur-Tille", "Bretenière", "Chenôve", "Chevigny-Saint-Sauveur", "Corcelles-les-Monts",
    "Crimolois", "Daix", "Dijon", "Fénay", "Flavignerot", "Fontaine-lès-Dijon", "Hauteville-lès-Dijon", "Longvic",
    "Magny-sur-Tille", "Marsannay-la-Côte", "Neuilly-lès-Dijon", "Ouges", "Perrigny-lès-Dijon",
    "Plombières-lès-Dijon", "Quetigny", "Saint-Apollinaire", "Sennecey-lès-Dijon", "Talant",
}
QPV = {
    "DIJON - Grésilles", "DIJON - Fontaine d'Ouche", "CHENÔVE - Le Mail", "TALANT - Belvédère",
    "LONGVIC - Bief du Moulin", "LONGVIC - Guynemer (quartier de veille)", "QUETIGNY - Centre (quartier de veille)",
}
PRESCRIPTEURS = {"POLE_EMPLOI", "CONSEIL_DEPARTEMENTAL", "MISSION_LOCALE", "SPIP", "MAIRIES_MDEF_SERVICES_SOCIAUX", "OPERATEURS"}
# Et ceux du dispositif clauses d'insertion (specs/clauses-et-enveloppe.md), PLIE pour les référents du PLIE.
PRESCRIPTEURS_CLAUSES = {"PLIE", "ARIQ_BTP", "EUREKA_INTERIM", "IDEES_INTERIM", "POLE_EMPLOI", "ENTREPRISE", "MDEF",
                         "ESPACE_EMPLOI_LONGVIC", "SERVICE_EMPLOI_CHENOVE"}
TYPES = {"PORTAGE_REFERENTS", "REMOBILISATION", "CLAUSES_INSERTION", "PRESTATION", "ANIMATION_PLIE", "ENVELOPPE_SOUPLE"}
ROLES = {"animation", "porteur", "referent", "comite", "gestionnaire", "administrateur"}


@pytest.mark.django_db
class TestReferentielDUneInstallationNeuve:
    def test_les_24_communes_du_territoire(self):
        assert set(Commune.objects.values_list("nom", flat=True)) == COMMUNES
        assert Commune.objects.get(nom="Dijon").code_insee == "21231"

    def test_les_7_qpv_et_leurs_communes(self):
        assert set(Qpv.objects.values_list("nom", flat=True)) == QPV
        assert Qpv.objects.get(nom="CHENÔVE - Le Mail").commune.nom == "Chenôve"
        assert set(Qpv.objects.filter(veille=True).values_list("nom", flat=True)) == {
            "LONGVIC - Guynemer (quartier de veille)", "QUETIGNY - Centre (quartier de veille)"
        }

    def test_les_codes_prescripteurs_des_specifications(self):
        assert set(Prescripteur.objects.values_list("code", flat=True)) == PRESCRIPTEURS | PRESCRIPTEURS_CLAUSES

    def test_les_financeurs_dont_le_fse_seul_marque_fonds_europeen(self):
        assert Financeur.objects.get(code="FSE").est_fse
        assert set(Financeur.objects.filter(est_fse=True).values_list("code", flat=True)) == {"FSE"}
        assert {"METROPOLE", "DEPARTEMENT", "ETAT", "AUTOFINANCEMENT"} <= set(Financeur.objects.values_list("code", flat=True))

    def test_les_6_types_d_operation(self):
        assert set(TypeOperation.objects.values_list("code", flat=True)) == TYPES
        assert TypeOperation.objects.filter(actif=True).count() == 6

    def test_les_indicateurs_d_objectifs(self):
        assert {"FILE_ACTIVE", "ENTREES", "SORTIES_POSITIVES"} <= set(Indicateur.objects.values_list("code", flat=True))

    def test_un_groupe_par_role(self):
        assert set(Group.objects.values_list("name", flat=True)) >= ROLES
        assert ROLES == set(Role.values)

    def test_une_commune_se_retrouve_quelle_que_soit_la_graphie(self):
        for graphie in ("CHENÔVE", "chenove", " Chenôve "):
            assert Commune.objects.par_cle(graphie).get().nom == "Chenôve"
        assert Qpv.objects.par_cle("dijon grésilles").get().nom == "DIJON - Grésilles"
        assert not Commune.objects.par_cle("Beaune").exists()


@pytest.mark.parametrize(
    "a, b",
    [("CHENÔVE", "Chenôve"), ("Fontaine-lès-Dijon", "FONTAINE LES DIJON"), ("Saint-Apollinaire", "saint apollinaire")],
)
def test_la_cle_de_recherche_ignore_casse_accents_tirets_et_espaces(a, b):
    assert cle_de_recherche(a) == cle_de_recherche(b)


def test_la_cle_de_recherche_distingue_deux_communes():
    assert cle_de_recherche("Talant") != cle_de_recherche("Daix")


@pytest.mark.parametrize(
    "valeur, texte",
    [
        (Decimal("18044.30"), "18\u202f044,30\u00a0€"),
        (Decimal("18044.3"), "18\u202f044,30\u00a0€"),
        (Decimal("0"), "0,00\u00a0€"),
        (Decimal("999.995"), "1\u202f000,00\u00a0€"),
        (Decimal("1234567.8"), "1\u202f234\u202f567,80\u00a0€"),
        (Decimal("-1044.30"), "-1\u202f044,30\u00a0€"),
    ],
)
def test_euros_au_format_francais(valeur, texte):
    assert euros(valeur) == texte


def test_euros_d_une_valeur_absente_est_vide():
    assert euros(None) == ""


@pytest.mark.parametrize(
    "texte", ["18 044,30", "18044.30", "18\u202f044,30\u00a0€", "18\u00a0044,30 €", " 18044,3 "]
)
def test_lire_montant(texte):
    assert lire_montant(texte) == Decimal("18044.30")


def test_lire_montant_relit_ce_qu_euros_ecrit():
    for valeur in (Decimal("0.01"), Decimal("72333.00"), Decimal("1234567.89")):
        assert lire_montant(euros(valeur)) == valeur


@pytest.mark.parametrize("texte", ["", "abc", "18,044,30", "12 €€ x", "NaN", "Infinity", "1e"])
def test_lire_montant_refuse_ce_qui_n_est_pas_un_montant(texte):
    with pytest.raises(ValueError):
        lire_montant(texte)


@pytest.mark.parametrize(("nombre", "suffixes", "attendu"), [
    (0, "s", ""), (1, "s", ""), (Decimal("1.5"), "s", ""), (2, "s", "s"), (1525, "x", "x"), ([1, 2], "s", "s"),
    (1, "al,aux", "al"), (3, "al,aux", "aux"), ("", "s", ""),
])
def test_le_pluriel_a_la_francaise_commence_a_deux(nombre, suffixes, attendu):
    assert pluriel(nombre, suffixes) == attendu  # « 0 entrée », « 1,5 heure », « 2 entrées »
