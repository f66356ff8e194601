"""La démonstration : chargée par les vrais services, complète, équilibrée, rejouable, jamais en production."""
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django_fsm_log.models import StateLog

from annuaire.models import Structure, Utilisateur
from annuaire.roles import Role
from operations.models import LigneDepense, LigneRessource, Notification, Objectif, Operation
from operations.options import CategorieDepense, Etat
from operations.selectors import historique
from pilotage.demo import URL, charger_demo, lignes_de_resume, operations_de_demo, repartir

PARIS = ZoneInfo("Europe/Paris")
MODELES = [Structure, Utilisateur, Operation, LigneDepense, LigneRessource, Objectif, StateLog, Notification]


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True
    return charger_demo()


def compter():
    return {m.__name__: m.objects.count() for m in MODELES}


def test_repartir_au_plus_fort_reste():
    assert repartir(889, [2, 1, 2, 2, 1, 2, 1, 1, 1, 1]) == [127, 64, 127, 127, 64, 127, 64, 63, 63, 63]
    assert sum(repartir(100, [1, 1, 1])) == 100


@pytest.mark.django_db
def test_chargement_sur_base_vide(demo):
    assert Operation.objects.count() == len(operations_de_demo()) == len(demo["operations"])
    assert not demo["deja_chargee"]
    assert Structure.objects.get(sigle="GIP MDEF").categorie == Structure.Categorie.ANIMATION
    assert Structure.objects.filter(categorie=Structure.Categorie.PORTEUR).count() == 10
    assert Structure.objects.filter(categorie=Structure.Categorie.PRESTATAIRE).count() == 7

    for login, role in [("animation", Role.ANIMATION), ("porteur", Role.PORTEUR), ("referent", Role.REFERENT),
                        ("comite", Role.COMITE), ("gestionnaire", Role.GESTIONNAIRE), ("admin", Role.ADMINISTRATEUR)]:
        u = authenticate(username=login, password="demo")
        assert u is not None, login
        assert list(u.groups.values_list("name", flat=True)) == [role]
        assert u.email == f"{login}@demo.plie.invalid"
    assert Utilisateur.objects.get(username="admin").is_superuser
    assert str(Utilisateur.objects.get(username="porteur").structure) == "IRFA"
    assert str(Utilisateur.objects.get(username="referent").structure) == "Mission locale"
    # 14 référents de parcours et le référent relations entreprises ; seul `referent` peut se connecter.
    referents = Utilisateur.objects.filter(groups__name=Role.REFERENT)
    assert referents.count() == 15
    assert [u.username for u in referents if u.has_usable_password()] == ["referent"]
    assert Utilisateur.objects.get(username="a.martin").structure.nom == "APSALC"

    lignes = "\n".join(lignes_de_resume())
    assert URL in lignes and "OP-2016-001" in lignes and "OP-2017-014" in lignes


@pytest.mark.django_db
def test_codes_deterministes_et_demandes_de_l_irfa(demo):
    codes = {o["code"]: o for o in demo["operations"]}
    assert codes["OP-2016-001"]["intitule"] == "Animation du PLIE 2016"
    irfa = Operation.objects.filter(porteur__nom="IRFA", date_debut__year=2017)
    brouillon = irfa.get(etat=Etat.BROUILLON)
    assert brouillon.total_depenses == brouillon.total_ressources > 0 and brouillon.objectifs.exists()
    assert irfa.filter(etat=Etat.DEPOSEE).exists()


@pytest.mark.django_db
def test_chaque_etat_apparait(demo):
    assert set(Operation.objects.values_list("etat", flat=True)) == set(Etat.values)


@pytest.mark.django_db
def test_objectifs_du_portage_egaux_au_rapport(demo):
    portages = Operation.objects.filter(type__code="PORTAGE_REFERENTS")
    assert portages.count() == 10
    sommes = dict(
        Objectif.objects.filter(operation__in=portages).values_list("indicateur__code").annotate(s=Sum("valeur_cible"))
    )
    assert sommes == {"FILE_ACTIVE": 889, "ENTREES": 700, "SORTIES_POSITIVES": 350}


@pytest.mark.django_db
def test_plans_de_financement_equilibres(demo):
    for operation in Operation.objects.all():
        assert operation.total_depenses == operation.total_ressources > 0, operation.code
        assert 0 < operation.taux_fse < 1, operation.code
        lignes = {c: sum(d.montant for d in operation.depenses.filter(categorie=c)) for c in CategorieDepense.values}
        if lignes[CategorieDepense.INDIRECTES]:
            attendu = (lignes[CategorieDepense.PERSONNEL] * Decimal("0.15")).quantize(Decimal("0.01"))
            assert lignes[CategorieDepense.INDIRECTES] == attendu, operation.code
    enveloppe = Operation.objects.get(intitule="Enveloppe souple 2016")
    assert enveloppe.total_depenses == Decimal("18044.30")


@pytest.mark.django_db
def test_historique_reel_et_antidate(demo):
    debut, fin = datetime(2016, 1, 1, tzinfo=PARIS), datetime(2017, 7, 1, tzinfo=PARIS)
    for operation in Operation.objects.exclude(etat=Etat.BROUILLON):
        journal = list(historique(operation))
        assert journal, operation.code
        assert all(ligne.by_id for ligne in journal), operation.code
        assert journal[0].source_state == Etat.BROUILLON and journal[-1].state == operation.etat
        dates = [ligne.timestamp for ligne in journal]
        assert dates == sorted(dates) and debut <= dates[0] and dates[-1] < fin, operation.code
    assert not historique(Operation.objects.get(etat=Etat.BROUILLON)).exists()
    refus = StateLog.objects.filter(transition__in=["ajourner", "rejeter", "declarer_irrecevable", "abandonner"])
    assert refus.count() == 4 and all(ligne.description for ligne in refus)


@pytest.mark.django_db
def test_avis_dates_comme_les_transitions(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        charger_demo()
    avis = Notification.objects.select_related("journal")
    assert avis.exists()
    assert all(a.creee_le == a.journal.timestamp for a in avis)
    # Seul l'avis du dernier changement d'état d'une opération reste à lire.
    for a in avis.filter(lue=False):
        assert historique(a.operation).last().pk == a.journal_id


@pytest.mark.django_db
def test_second_appel_ne_cree_rien(demo, settings):
    avant = compter()
    sortie = io.StringIO()
    second = charger_demo(stdout=sortie)
    assert second["deja_chargee"]
    assert compter() == avant
    assert "déjà chargée" in sortie.getvalue() and URL in sortie.getvalue()
    assert second["operations"] == demo["operations"]


@pytest.mark.django_db
def test_commande_refusee_sans_debug(settings):
    settings.DEBUG = False
    avant = compter()
    with pytest.raises(CommandError, match="ne doivent jamais exister dans une installation réelle"):
        call_command("charger_demo", stdout=io.StringIO())
    assert compter() == avant
    assert not Utilisateur.objects.filter(username="animation").exists()


@pytest.mark.django_db
def test_commande_forcee_sans_debug(settings):
    settings.DEBUG = False
    sortie = io.StringIO()
    call_command("charger_demo", "--force", stdout=sortie)
    assert Utilisateur.objects.filter(username="animation").exists()
    assert "OP-2017-011" in sortie.getvalue()
