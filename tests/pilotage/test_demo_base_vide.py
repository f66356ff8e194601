"""La démonstration sur une base vide : la commande refusée sans DEBUG, forcée, et les documents de ses tâches
(tests/pilotage/test_demo.py partage une démonstration chargée une fois ; ceux-ci ont besoin d'une base vide)."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from annuaire.models import Utilisateur
from appels_projets.models import Comite, PointOrdreDuJour, Reponse
from appels_projets.options import EtatComite
from operations.models import DocumentGenere, Notification
from operations.selectors import historique
from pilotage.demo import charger_demo
from tests.pilotage.test_demo import compter

PARIS = ZoneInfo("Europe/Paris")


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

    # Les tâches mises en file au dépôt et à la validation des PV ont produit leurs documents, datés comme eux.
    deposees = Reponse.objects.filter(deposee_le__isnull=False)
    accuses = DocumentGenere.objects.filter(nature="accuse_reception")
    assert accuses.count() == deposees.count() > 0
    assert {d.object_id: d.cree_le for d in accuses} == {r.pk: r.deposee_le for r in deposees}
    tenus = Comite.objects.filter(etat=EtatComite.PV_VALIDE)
    assert DocumentGenere.objects.filter(nature="pv_comite").count() == tenus.count() == 3
    lettres = DocumentGenere.objects.filter(nature="lettre_notification")
    assert lettres.count() == PointOrdreDuJour.objects.filter(comite__in=tenus).count() == 16
    # Tout est daté d'avant juillet 2017, sauf la convention du portage 2023 (FSE+), datée de sa génération.
    recents = DocumentGenere.objects.filter(cree_le__gte=datetime(2017, 7, 1, tzinfo=PARIS))
    assert [(d.nom, timezone.localtime(d.cree_le).date()) for d in recents] == [
        ("convention-PLIE-2023-001.docx", date(2023, 1, 22))]


@pytest.mark.django_db
def test_commande_refusee_sans_debug(settings):
    settings.DEBUG = False
    avant = compter()
    with pytest.raises(CommandError, match="ne doivent jamais exister dans une installation réelle"):
        call_command("charger_demo", stdout=io.StringIO())
    assert compter() == avant
    assert not Utilisateur.objects.filter(username="animation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("demo, options", [(False, ["--force"]), (True, [])], ids=["forcee", "make-demo"])
def test_commande_forcee_ou_en_demonstration_sans_debug(settings, demo, options):
    """`make demo` sert avec DEBUG faux (pages d'erreur du produit) et DEMO=1, qui permet de charger."""
    settings.DEBUG, settings.DEMO = False, demo
    sortie = io.StringIO()
    call_command("charger_demo", *options, stdout=sortie)
    assert Utilisateur.objects.filter(username="animation").exists()
    assert "OP-2017-011" in sortie.getvalue()
