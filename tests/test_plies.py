"""Plusieurs PLIE sur une installation : chaque donnée a son PLIE, le sélecteur du pivot, `creer_plie`.

Les fuites d'un PLIE à l'autre, adresse par adresse, sont cherchées par `test_permissions.py` (objets d'un PLIE
demandés par les comptes d'un autre) et `test_plies_fuites.py` (toutes les pages parcourues sur la démonstration).
"""
import html

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db.models import ForeignKey

from annuaire.models import Commune, OrganismePivot, Plie, Structure, Utilisateur, plie_par_defaut
from annuaire.plies import SESSION, chemin_plie, plies_de
from annuaire.roles import Role
from tests.factories import utilisateur

APPS_DU_PROJET = ["annuaire", "operations", "appels_projets", "conventions", "participants", "justificatifs", "pilotage"]

# Ce qui est commun à toute l'installation, avec la raison : rien de propre à un PLIE n'y est écrit.
COMMUNS = {
    "annuaire.Plie": "la liste des PLIE elle-même",
    "annuaire.OrganismePivot": "un pivot sert plusieurs PLIE",
    "annuaire.Utilisateur": "un compte a son PLIE ou son pivot (champ plie nul pour un compte de pivot)",
    "annuaire.Financeur": "référentiel national des financeurs (FSE, État, département...)",
    "annuaire.Prescripteur": "référentiel des prescripteurs de la spec d'import",
    "operations.TypeOperation": "référentiel des types d'opération",
    "operations.Indicateur": "référentiel des indicateurs d'objectif",
    "operations.Programme": "programmes FSE 2014-2020 et FSE+ 2021-2027, réglementaires",
    "participants.MotifSortie": "critères de sortie des programmes FSE, communs",
    "participants.TypeEtape": "référentiel des étapes de parcours",
    "justificatifs.MotifRejet": "référentiel des motifs de rejet d'une dépense",
}


def _modeles_du_projet():
    for app in APPS_DU_PROJET:
        yield from apps.get_app_config(app).get_models()


def _aboutit_au_plie(modele, chemin: str) -> bool:
    for nom in chemin.split("__"):
        champ = modele._meta.get_field(nom)
        if not champ.is_relation:
            return False
        modele = champ.related_model
    return modele is Plie


def test_toute_donnee_d_un_plie_dit_son_plie():
    """Un modèle qui n'est pas un référentiel commun a un champ `plie` ou un `CHEMIN_PLIE` qui mène à son PLIE."""
    sans_plie, chemins_faux = [], []
    for modele in _modeles_du_projet():
        nom = modele._meta.label
        if nom in COMMUNS:
            continue
        chemin = chemin_plie(modele)
        if chemin is None:
            sans_plie.append(nom)
        elif not _aboutit_au_plie(modele, chemin):
            chemins_faux.append(f"{nom} ({chemin})")
    assert not sans_plie, f"Modèles sans PLIE (ajouter un champ plie ou CHEMIN_PLIE, ou les déclarer communs) : {sans_plie}"
    assert not chemins_faux, f"CHEMIN_PLIE qui ne mène pas au PLIE : {chemins_faux}"


def test_un_champ_plie_racine_n_est_jamais_facultatif():
    """Une donnée d'un PLIE ne peut pas être rangée nulle part (sauf les exceptions déclarées : comptes, modèles Word)."""
    facultatifs = [
        m._meta.label for m in _modeles_du_projet()
        if any(isinstance(f, ForeignKey) and f.name == "plie" and f.null for f in m._meta.get_fields())
    ]
    assert set(facultatifs) <= {"annuaire.Utilisateur", "operations.ModeleDocument"}, facultatifs


@pytest.mark.django_db
def test_une_installation_d_un_seul_plie_range_tout_chez_lui_sans_rien_demander():
    (seul,) = Plie.objects.all()
    assert (seul.sigle, seul.prefixe_operations) == ("PLIE", "OP")
    assert Structure.objects.create(nom="APSALC", categorie="porteur").plie == seul
    animatrice = utilisateur(Role.ANIMATION)
    assert plies_de(animatrice) == [seul.pk]


@pytest.mark.django_db
def test_avec_deux_plie_une_creation_qui_oublie_son_plie_est_refusee():
    Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIE-BEAUNE", prefixe_operations="OPB")
    assert plie_par_defaut() is None
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Structure.objects.create(nom="Structure sans PLIE", categorie="porteur")


@pytest.fixture
def deux_plie_et_un_pivot(db):
    pivot = OrganismePivot.objects.create(nom="Conseil départemental de Côte-d'Or, OI pivot")
    dijon = Plie.objects.get()
    dijon.pivot = pivot
    dijon.save()
    beaune = Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIE-BEAUNE", prefixe_operations="OPB", pivot=pivot)
    Structure.objects.create(plie=dijon, nom="APSALC", categorie="porteur")
    Structure.objects.create(plie=beaune, nom="Mission locale de Beaune", categorie="porteur")
    gestionnaire = utilisateur(Role.GESTIONNAIRE, username="gestionnaire-pivot", plie=None, pivot=pivot)
    return dijon, beaune, gestionnaire


def test_le_pivot_voit_ses_plie_ensemble_puis_un_seul_par_le_selecteur(client, deux_plie_et_un_pivot):
    dijon, beaune, gestionnaire = deux_plie_et_un_pivot
    assert sorted(Structure.objects.visible_to(gestionnaire).values_list("nom", flat=True)) == [
        "APSALC", "Mission locale de Beaune"]
    client.force_login(gestionnaire)
    page = client.get("/").content.decode()
    assert 'id="selecteur-plie"' in page and "Tous mes PLIE (vue consolidée)" in page

    reponse = client.post("/plie/choisir/", {"plie": beaune.pk, "suite": "/operations/"})
    assert reponse.status_code == 302 and reponse.url == "/operations/"
    assert client.session[SESSION] == beaune.pk
    page = client.get("/operations/").content.decode()
    assert "Vous travaillez maintenant sur PLIE du Beaunois." in page
    assert f'<option value="{beaune.pk}" selected>PLIE du Beaunois</option>' in page

    client.post("/plie/choisir/", {"plie": "", "suite": "/"})
    assert SESSION not in client.session


def test_le_selecteur_refuse_un_plie_hors_du_pivot_et_une_adresse_de_retour_externe(client, deux_plie_et_un_pivot):
    dijon, beaune, gestionnaire = deux_plie_et_un_pivot
    ailleurs = Plie.objects.create(nom="PLIE de Lyon", sigle="PLIE-LYON", prefixe_operations="OPL")
    client.force_login(gestionnaire)
    reponse = client.post("/plie/choisir/", {"plie": ailleurs.pk, "suite": "https://exemple.org/"}, follow=True)
    assert "Ce PLIE n'est pas de ceux pour lesquels vous travaillez." in html.unescape(reponse.content.decode())
    assert reponse.redirect_chain[0][0] == "/"
    assert SESSION not in client.session


def test_un_compte_d_un_seul_plie_n_a_pas_de_selecteur_et_ne_peut_en_choisir_un_autre(client, deux_plie_et_un_pivot):
    dijon, beaune, _ = deux_plie_et_un_pivot
    animatrice = utilisateur(Role.ANIMATION, plie=dijon)
    client.force_login(animatrice)
    assert 'id="selecteur-plie"' not in client.get("/").content.decode()
    client.post("/plie/choisir/", {"plie": beaune.pk})
    assert SESSION not in client.session
    # Une session trafiquée n'ouvre rien non plus : plies_de ne retient qu'un PLIE accessible.
    session = client.session
    session[SESSION] = beaune.pk
    session.save()
    animatrice.plie_choisi_id = beaune.pk
    assert plies_de(animatrice) == [dijon.pk]


@pytest.mark.django_db
def test_creer_plie_cree_le_plie_son_territoire_son_animation_et_son_premier_compte():
    call_command("creer_plie", "--nom", "PLIE du Beaunois", "--sigle", "PLIE-BEAUNE", "--prefixe-operations", "OPB",
                 "--pivot", "OI pivot de Côte-d'Or", "--commune", "Beaune:21054", "--commune", "Nuits-Saint-Georges:21464",
                 "--compte-animation", "c.martin", "--courriel", "c.martin@beaune.example")
    beaune = Plie.objects.get(sigle="PLIE-BEAUNE")
    assert beaune.pivot.nom == "OI pivot de Côte-d'Or"
    assert list(Commune.objects.filter(plie=beaune).values_list("nom", "code_insee")) == [
        ("Beaune", "21054"), ("Nuits-Saint-Georges", "21464")]
    compte = Utilisateur.objects.get(username="c.martin")
    assert compte.plie == beaune and not compte.has_usable_password()
    assert compte.structure.categorie == Structure.Categorie.ANIMATION and compte.structure.plie == beaune
    assert set(compte.groups.values_list("name", flat=True)) == {Role.ANIMATION}
    assert plies_de(compte) == [beaune.pk]


@pytest.mark.django_db
def test_creer_plie_refuse_un_sigle_deja_pris_en_francais_et_ne_cree_rien():
    with pytest.raises(CommandError, match="PLIE non créé, rien n'est enregistré. sigle : .*existe déjà"):
        call_command("creer_plie", "--nom", "PLIE du Beaunois", "--sigle", "PLIE", "--prefixe-operations", "OPB",
                     "--commune", "Beaune:21054")
    assert Plie.objects.count() == 1 and not Commune.objects.filter(nom="Beaune").exists()
    with pytest.raises(CommandError, match="« Beaune » : une commune s'écrit NOM:CODE_INSEE"):
        call_command("creer_plie", "--nom", "X", "--sigle", "X", "--prefixe-operations", "X", "--commune", "Beaune")


def test_l_administration_d_un_plie_ne_montre_que_ses_structures(client, deux_plie_et_un_pivot):
    dijon, beaune, _ = deux_plie_et_un_pivot
    administrateur = utilisateur(Role.ADMINISTRATEUR, plie=beaune, is_staff=True, username="admin-beaune")
    administrateur.user_permissions.add(*Permission.objects.filter(codename__in=["view_structure", "change_structure"]))
    client.force_login(administrateur)
    page = client.get("/admin/annuaire/structure/").content.decode()
    assert "Mission locale de Beaune" in page and "APSALC" not in page
    apsalc = Structure.objects.get(nom="APSALC")
    assert client.get(f"/admin/annuaire/structure/{apsalc.pk}/change/").status_code == 302  # « n'existe pas »
