"""Le socle des tests lui-même : fabriques, rôles, Celery dans le processus, navigateur."""
import pytest
from django.contrib.auth.hashers import check_password

from annuaire.roles import Role, roles_de
from config.celery import app as celery_app
from operations.options import Etat

from .factories import MOT_DE_PASSE, TOTAL_DEPENSES, OperationFactory, utilisateur


def test_les_taches_celery_s_executent_dans_le_processus():
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.task_eager_propagates is True


@pytest.mark.django_db
def test_un_utilisateur_a_le_role_de_son_groupe_et_un_mot_de_passe_utilisable(porteur, structure):
    assert roles_de(porteur) == {Role.PORTEUR}
    assert porteur.structure == structure
    assert check_password(MOT_DE_PASSE, porteur.password)


@pytest.mark.django_db
def test_plusieurs_roles_pour_un_meme_utilisateur():
    cumul = utilisateur([Role.ANIMATION, Role.GESTIONNAIRE])
    assert roles_de(cumul) == {Role.ANIMATION, Role.GESTIONNAIRE}
    assert cumul.structure is None


@pytest.mark.django_db
@pytest.mark.parametrize("etat", [Etat.BROUILLON, Etat.INSTRUITE, Etat.SOLDEE])
def test_une_operation_se_fabrique_directement_dans_un_etat(etat):
    operation = OperationFactory(etat=etat)
    operation.refresh_from_db()
    assert operation.etat == etat
    assert operation.total_depenses == operation.total_ressources == TOTAL_DEPENSES
    assert operation.montant_fse > 0
    assert operation.objectifs.count() == 1


@pytest.mark.django_db
def test_une_operation_sans_plan_de_financement():
    operation = OperationFactory(plan=False)
    assert operation.total_depenses == 0
    assert not operation.objectifs.exists()


@pytest.mark.navigateur
def test_le_navigateur_affiche_une_page_en_francais(page):
    page.set_content("<html lang='fr'><body><p id='date'></p><script>"
                     "document.getElementById('date').textContent = "
                     "new Date(Date.UTC(2016, 11, 31, 12)).toLocaleDateString();</script></body></html>")
    assert page.locator("#date").inner_text() == "31/12/2016"


@pytest.mark.django_db(transaction=True)
def test_un_test_transactionnel_trouve_le_referentiel_des_migrations():
    # Les tests transactionnels vident la base en partant : celui-ci passe après eux et doit pourtant
    # retrouver le référentiel (conftest : serialized_rollback).
    from django.contrib.auth.models import Group

    from annuaire.models import Commune, Financeur

    assert Commune.objects.count() == 24
    assert Financeur.objects.filter(code="FSE", est_fse=True).exists()
    assert set(Role.values) <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("passage", [1, 2])
def test_les_tests_navigateur_trouvent_aussi_le_referentiel(passage, page):
    # Au second passage, le navigateur tourne déjà (boucle asyncio active) et la base a été vidée par le premier.
    from annuaire.models import Financeur

    page.set_content("<p>ok</p>")
    assert set(Financeur.objects.values_list("code", flat=True)) >= {"FSE", "METROPOLE"}
    OperationFactory()  # chaque passage écrit, le vidage entre les deux est donc réel
