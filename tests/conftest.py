"""Socle des tests : utilisateurs par rôle, Celery dans le processus, tests sautés (et refusés en CI), navigateur.

- `make test` sur SQLite saute, en disant pourquoi, les tests qui exigent PostgreSQL (`postgresql`),
  Redis (`redis`), Chromium (`navigateur`) ou un stockage S3 (`s3`) ; avec TOUT_EXIGER=1 (la CI), un seul test sauté fait échouer la session.
- Les tâches Celery s'exécutent dans le processus, sauf pour les tests `redis` qui lancent un vrai worker.
- Les tests transactionnels (threads, worker, navigateur) vident la base à la fin : ils restaurent le
  référentiel des migrations (serialized_rollback) pour ne pas priver les tests suivants des groupes et financeurs.
"""
import os
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from pytest_django.fixtures import validate_django_db

from annuaire.roles import Role
from config.celery import app as celery_app

from .factories import OperationFactory, StructureFactory, utilisateur
from .stockage import sessions_boto3_partageant_les_modeles, stockage_sous, vider_le_prefixe

pytest_plugins = ["tests.celery_reel"]  # la fixture `worker` : un vrai worker Celery sur Redis

RACINE = Path(__file__).resolve().parent.parent
ARTEFACTS = RACINE / "artefacts"
CHROMIUM = "/usr/bin/chromium"
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TOUT_EXIGER = os.environ.get("TOUT_EXIGER") == "1"


# --- Tests sautés faute d'environnement : décidé ici, une fois, avec la raison ---

def _raison_sans_postgresql() -> str | None:
    moteur = settings.DATABASES["default"]["ENGINE"]
    if moteur == "django.db.backends.postgresql":
        return None
    return (
        f"exige PostgreSQL (verrous de ligne, transactions concurrentes) : la base de test est {moteur.rsplit('.', 1)[-1]} ; "
        "définir DATABASE_URL=postgres://… (voir .ci/run)"
    )


def _raison_sans_redis() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return f"exige un courtier Redis : CELERY_BROKER_URL {'vaut ' + url if url else 'n’est pas défini'} (voir .ci/run)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # toute erreur de connexion dit la même chose : pas de courtier utilisable
        return f"exige un courtier Redis : {url} est injoignable ({exc.__class__.__name__} : {exc})"
    return None


def _raison_sans_navigateur() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"exige Chromium : {CHROMIUM} est absent (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"exige Playwright pour piloter Chromium : {exc}"
    return None


def _raison_sans_libreoffice() -> str | None:
    from operations.pdf import libreoffice

    if libreoffice() is None:
        return "exige LibreOffice : soffice est absent (apt-get install libreoffice-writer-nogui)"
    return None


def _raison_sans_s3() -> str | None:
    if not settings.STOCKAGE_S3_BUCKET:
        return ("exige un stockage objet S3 : STOCKAGE_S3_BUCKET n'est pas défini (`.venv/bin/python .ci/s3.py <commande>` "
                "lance un serveur moto et définit les variables)")
    from django.core.files.storage import storages

    try:
        storages.create_storage(settings.STORAGES["default"]).bucket.meta.client.head_bucket(Bucket=settings.STOCKAGE_S3_BUCKET)
    except Exception as exc:  # toute erreur dit la même chose : pas de bucket utilisable
        return f"exige un stockage objet S3 : le bucket {settings.STOCKAGE_S3_BUCKET} est injoignable ({exc.__class__.__name__} : {exc})"
    return None


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def _raison_sans_axe() -> str | None:
    if not AXE.exists():
        return f"exige axe-core : {AXE} est absent (npm ci, que `make test` lance quand npm est installé)"
    return None


VERIFICATIONS = {"postgresql": _raison_sans_postgresql, "redis": _raison_sans_redis, "navigateur": _raison_sans_navigateur,
                 "libreoffice": _raison_sans_libreoffice, "accessibilite": _raison_sans_axe, "s3": _raison_sans_s3}


@pytest.hookimpl(tryfirst=True)  # avant pytest-xdist, qui lit les groupes dans ce même crochet
def pytest_collection_modifyitems(config, items):
    raisons = {}
    for item in items:
        manques = []
        for marqueur, verification in VERIFICATIONS.items():
            if item.get_closest_marker(marqueur) is None:
                continue
            if marqueur not in raisons:
                raisons[marqueur] = verification()
            if raisons[marqueur]:
                manques.append(f"{marqueur} : {raisons[marqueur]}")
        if manques:
            item.add_marker(pytest.mark.skip(reason=" ; ".join(manques)))
        _restaurer_le_referentiel(item)
        _grouper_pour_les_tests_en_parallele(item)


def _restaurer_le_referentiel(item):
    """Un test transactionnel vide la base en partant : il restaure d'abord le référentiel des migrations.

    pytest-django lit `serialized_rollback` dans le marqueur django_db s'il y en a un, sinon dans les fixtures.
    """
    marqueur = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transactionnel_par_fixture = bool({"transactional_db", "live_server"} & fixtures)
    if marqueur is None:
        if transactionnel_par_fixture and "django_db_serialized_rollback" not in fixtures:
            item.fixturenames.append("django_db_serialized_rollback")
        return
    transaction, reset_sequences, databases, serialized_rollback, available_apps = validate_django_db(marqueur)
    if serialized_rollback or not (transaction or reset_sequences or transactionnel_par_fixture):
        return
    item.add_marker(
        pytest.mark.django_db(
            transaction=True, reset_sequences=reset_sequences, databases=databases,
            serialized_rollback=True, available_apps=available_apps,
        ),
        append=False,
    )


# --- Tests en parallèle (pytest-xdist : `make test` lance deux processus, chacun avec sa base de test) ---

GROUPE_EXCLUSIF = "exclusif"


def _grouper_pour_les_tests_en_parallele(item):
    """Les tests qui ne peuvent pas tourner en même temps qu'un autre d'un même groupe vont au même processus, à la file.

    - `redis` : un vrai worker consomme toute la file Redis de la session ; deux à la fois se voleraient leurs tâches.
    - `exclusif` (PostgreSQL redémarré…) : à la toute fin, seul, les autres processus arrêtés (OrdonnanceurAvecExclusifs).
    - une fixture de portée module (la démonstration chargée une fois) : tout le module dans le même processus.
    """
    if item.get_closest_marker("exclusif"):
        groupe = GROUPE_EXCLUSIF
    elif item.get_closest_marker("redis"):
        groupe = "redis"
    elif any(definitions[-1].scope == "module" for definitions in item._fixtureinfo.name2fixturedefs.values()):
        groupe = item.module.__name__
    else:
        return
    item.add_marker(pytest.mark.xdist_group(groupe))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """En parallèle, un test transactionnel peut être suivi d'un test ordinaire dans le même processus (seul, pytest-django
    les met en dernier) : la base qu'il a vidée en partant reçoit de suite le référentiel, sans attendre le suivant."""
    resultat = yield
    if nextitem is not None and os.environ.get("PYTEST_XDIST_WORKER") and _transactionnel(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connexion in connections.all(initialized_only=True):
                contenu = getattr(connexion, "_test_serialized_contents", None)
                if contenu:
                    connexion.creation.deserialize_db_from_string(contenu)
    return resultat


def _transactionnel(item) -> bool:
    marqueur = item.get_closest_marker("django_db")
    if marqueur is not None and validate_django_db(marqueur)[0]:
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadgroup":
        from .parallele import OrdonnanceurAvecExclusifs

        return OrdonnanceurAvecExclusifs(config, log, GROUPE_EXCLUSIF)
    return None


# --- TOUT_EXIGER=1 : rien ne doit être sauté, et une session sans test n'est pas un succès ---

_sautes: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        raison = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _sautes.append((report.nodeid, raison.removeprefix("Skipped: ")))


def pytest_sessionfinish(session, exitstatus):
    if not TOUT_EXIGER:
        return
    if _sautes or exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TOUT_EXIGER:
        return
    if _sautes:
        terminalreporter.section("TOUT_EXIGER=1 : tests sautés, la session échoue", sep="!", red=True, bold=True)
        for nodeid, raison in _sautes:
            terminalreporter.write_line(f"SAUTÉ {nodeid} — {raison}")
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        terminalreporter.write_line("TOUT_EXIGER=1 : aucun test collecté, la session échoue.", red=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rapport = yield
    setattr(item, f"rapport_{rapport.when}", rapport)  # la fixture `page` fait une capture d'écran si l'appel a échoué
    return rapport


# --- Réglages de test ---

@pytest.fixture(scope="session", autouse=True)
def _hachage_rapide():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _modeles_boto3_lus_une_fois():
    """Avec S3, chaque test a sa session boto3 ; les modèles JSON de botocore ne sont lus qu'une fois (tests/stockage.py)."""
    if not settings.STOCKAGE_S3_BUCKET:
        yield
        return
    with sessions_boto3_partageant_les_modeles():
        yield


@pytest.fixture(autouse=True)
def _fichiers_dans_un_dossier_temporaire(settings, tmp_path):
    """Documents générés et pièces déposées pendant les tests : jamais dans le dossier de travail.

    Avec un stockage S3 (.ci/run), chaque test écrit sous son propre préfixe du bucket, effacé à la fin.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = reglages = stockage_sous(f"tests/{uuid.uuid4().hex}")
    yield
    vider_le_prefixe(reglages)


@pytest.fixture(autouse=True)
def _pdf_seulement_ou_on_le_teste(request, settings):
    """Une conversion LibreOffice prend des secondes : seuls les tests marqués `libreoffice` produisent des PDF."""
    settings.PDF_AUTOMATIQUE = request.node.get_closest_marker("libreoffice") is not None


@pytest.fixture(autouse=True)
def celery_dans_le_processus(request):
    """Les tâches s'exécutent dans le processus (même si .ci/run définit un courtier), sauf pour les tests `redis`."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    conf = celery_app.conf
    avant = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = avant


# --- Utilisateurs par rôle ---

@pytest.fixture
def structure(db):
    """La structure porteuse de l'opération des tests."""
    return StructureFactory(nom="APSALC", sigle="APSALC")


@pytest.fixture
def autre_structure(db):
    return StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")


@pytest.fixture
def animation(db):
    return utilisateur(Role.ANIMATION, username="animatrice")


@pytest.fixture
def porteur(structure):
    return utilisateur(Role.PORTEUR, structure=structure, username="porteur-apsalc")


@pytest.fixture
def referent(structure):
    return utilisateur(Role.REFERENT, structure=structure, username="referent-apsalc")


@pytest.fixture
def porteur_autre(autre_structure):
    """Un porteur d'une autre structure : il ne doit ni voir ni toucher les opérations de `structure`."""
    return utilisateur(Role.PORTEUR, structure=autre_structure, username="porteur-irfa")


@pytest.fixture
def comite(db):
    return utilisateur(Role.COMITE, username="membre-comite")


@pytest.fixture
def gestionnaire(db):
    return utilisateur(Role.GESTIONNAIRE, username="gestionnaire-fse")


@pytest.fixture
def administrateur(db):
    return utilisateur(Role.ADMINISTRATEUR, username="administrateur", is_staff=True)


@pytest.fixture
def sans_role(db):
    return utilisateur(None, username="sans-role")


@pytest.fixture
def utilisateurs(animation, porteur, referent, comite, gestionnaire, administrateur):
    """Un utilisateur par code de rôle (porteur et référent rattachés à `structure`)."""
    return {
        Role.ANIMATION: animation,
        Role.PORTEUR: porteur,
        Role.REFERENT: referent,
        Role.COMITE: comite,
        Role.GESTIONNAIRE: gestionnaire,
        Role.ADMINISTRATEUR: administrateur,
    }


@pytest.fixture
def operation(structure):
    """Une demande en brouillon de `structure`, au plan de financement équilibré (18 044,30 €) avec un objectif."""
    return OperationFactory(porteur=structure)


# --- Navigateur (Playwright piloté sur le Chromium de Debian) ---

@pytest.fixture(scope="session")
def navigateur():
    raison = _raison_sans_navigateur()
    if raison:
        pytest.skip(f"navigateur : {raison}")
    # L'API synchrone de Playwright fait tourner une boucle asyncio dans le fil du test : sans cela,
    # Django refuse tout accès à la base depuis ce fil (SynchronousOnlyOperation).
    avant = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    from django.db import connections

    # Tant que Playwright tourne, asgiref voit une boucle asyncio active dans ce fil : Django y ouvre d'autres
    # objets connexion. Ils reçoivent le référentiel sérialisé, que serialized_rollback restaure entre deux tests.
    serialises = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, contenu in serialises.items():
            if contenu is not None:
                connections[alias]._test_serialized_contents = contenu
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS_CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()
    if avant is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = avant


@pytest.fixture
def page(navigateur, request):
    """Un onglet en français (fr-FR, Europe/Paris) ; capture d'écran dans artefacts/ si le test échoue."""
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    onglet = contexte.new_page()
    onglet.set_default_timeout(10_000)
    try:
        yield onglet
    finally:
        rapport = getattr(request.node, "rapport_call", None)
        if rapport is not None and rapport.failed:
            ARTEFACTS.mkdir(exist_ok=True)
            nom = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-180:]
            try:
                onglet.screenshot(path=str(ARTEFACTS / f"{nom}.png"), full_page=True)
            except Exception as exc:  # la capture ne doit pas masquer l'échec du test
                print(f"capture d'écran impossible : {exc}")
        contexte.close()

