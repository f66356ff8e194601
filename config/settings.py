"""Réglages du projet, lus dans l'environnement (et seulement ici).

Sans variable d'environnement, le produit démarre en démonstration : base SQLite locale,
tâches Celery exécutées dans le processus, courriels affichés dans la console.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# La démonstration (`make demo`) : `charger_demo` permis et courriels dans la console, sans DEBUG (les pages d'erreur
# restent celles du produit, en français). Jamais sur une installation réelle : les comptes y ont le mot de passe « demo ».
DEMO = env.bool("DEMO", default=False)
SECRET_KEY = env("SECRET_KEY", default="demo-seulement-ne-pas-utiliser-en-production-" + "x" * 20)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "django_fsm_log",
    "django_tables2",
    "django_filters",
    "annuaire",
    "operations",
    "appels_projets",
    "conventions",
    "participants",
    "justificatifs",
    "pilotage",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "annuaire.middleware.PlieChoisi",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Connexion : au 5e échec pour un même identifiant depuis une même adresse, 15 minutes de verrou (django-axes,
# compté en base : vaut pour tous les workers). Une connexion réussie remet le compteur à zéro.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_VERROU_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_VERBOSE = False

# Content-Security-Policy : rien que ce que l'application sert elle-même (pas de CDN, pas de script en ligne).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF], "script-src": [SELF], "style-src": [SELF], "img-src": [SELF, "data:"],
        "font-src": [SELF], "connect-src": [SELF], "form-action": [SELF], "base-uri": [SELF],
        "frame-ancestors": [NONE], "object-src": [NONE],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annuaire.context_processors.roles",
                "annuaire.context_processors.plies",
                "operations.context_processors.programmes",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Plusieurs fils (serveur de démonstration, tests navigateur) écrivent dans le même fichier.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Une réplique PostgreSQL en lecture (facultative) : le rapport d'activité y lit (annuaire/replique.py).
if env("DATABASE_LECTURE_URL", default=""):
    DATABASES["lecture"] = {**env.db("DATABASE_LECTURE_URL"), "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
                            "CONN_HEALTH_CHECKS": True, "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["annuaire.replique.RouteurDesLectures"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "annuaire.Utilisateur"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Pas de séparateur de milliers automatique : un identifiant rendu dans un attribut (`name="presence-{{ p.pk }}"`)
# deviendrait « presence-1 525 » et le formulaire ne se relirait plus. Les nombres affichés passent par les filtres
# fr-FR (`|nombre`, `|euros`, `|montant`), qui groupent les milliers.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# htmx vient de npm (version épinglée dans package.json) et se sert comme les autres fichiers statiques.
if (BASE_DIR / "node_modules" / "htmx.org" / "dist").is_dir():
    STATICFILES_DIRS.append(("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"))
# En production `collectstatic` produit le manifeste : fichiers compressés et noms versionnés servis par
# WhiteNoise. Sans lui (démonstration, tests), WhiteNoise sert directement les fichiers sources.
STATIC_COLLECTES = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTES
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTES
# Fichiers déposés : hors de la racine web, servis seulement par des vues qui vérifient les droits.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Stockage objet compatible S3 (AWS, Scaleway, OVH, MinIO…) pour tous les fichiers déposés et produits, partagé par
# plusieurs serveurs d'application et workers. Sans STOCKAGE_S3_BUCKET : le disque local (MEDIA_ROOT), comme avant.
# Les fichiers y sont privés (pas d'ACL publique, bucket à garder privé) : l'application les lit et les sert elle-même
# par les vues qui vérifient les droits ; aucune page ne donne d'adresse du bucket. Clés d'accès, point d'accès et
# région par les variables standard de boto3 (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3,
# AWS_DEFAULT_REGION), ou le rôle de la machine s'il n'y a pas de clés. Voir docs/deploiement.md.
STOCKAGE_S3_BUCKET = env("STOCKAGE_S3_BUCKET", default="")
if STOCKAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STOCKAGE_S3_BUCKET,
            "location": env("STOCKAGE_S3_PREFIXE", default=""),  # un dossier du bucket, si le bucket est partagé
            "endpoint_url": env("AWS_ENDPOINT_URL_S3", default="") or env("AWS_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_DEFAULT_REGION", default="") or env("AWS_REGION", default="") or None,
            "addressing_style": env("STOCKAGE_S3_ADRESSAGE", default="") or None,  # « path » pour MinIO, moto…
            "default_acl": None,  # les droits du bucket (privé), jamais public-read
            "querystring_auth": True,  # une adresse demandée par erreur (`.url`) est signée…
            "querystring_expire": 60,  # … et ne vaut qu'une minute
            "file_overwrite": False,  # un nom déjà pris reçoit un suffixe, comme sur disque
            "max_memory_size": 4 * 2**20,  # au-delà de 4 Mo, un fichier lu passe par un fichier temporaire
        },
    }
# L'antivirus des pièces justificatives : le démon ClamAV (`unix:///run/clamav/clamd.ctl` ou `tcp://hote:3310`).
# Vide : pas d'analyse (les pièces restent contrôlées sur leur type et leur taille).
CLAMAV = env("CLAMAV", default="")
CLAMAV_DELAI = env.int("CLAMAV_DELAI", default=30)

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="plie-fse@localhost")
# L'adresse publique du site, pour les liens des courriels (l'archive de la lettre mensuelle).
URL_DU_SITE = env("URL_DU_SITE", default="http://localhost:8000")

# Cache partagé par tous les serveurs d'application (Redis, `redis://hote:6379/1`) : les compteurs du « mot de passe
# oublié » valent alors pour toute l'installation. Sans lui : un cache en mémoire, propre à chaque processus.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}

# Celery : sans courtier, les tâches s'exécutent dans le processus (démonstration, tests unitaires).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# `celery -A config beat` : les dépôts d'un appel ferment d'eux-mêmes au plus tard 5 minutes après sa date limite.
CELERY_BEAT_SCHEDULE = {
    "clore-appels-echus": {"task": "appels_projets.planifiees.clore_appels_echus", "schedule": 5 * 60},
    "relancer-signatures": {"task": "conventions.tasks.relancer_signatures", "schedule": 24 * 60 * 60},
    "purger-imports-en-attente": {"task": "participants.tasks.purger_imports_en_attente", "schedule": 24 * 60 * 60},
    # Chaque matin : le premier jour ouvré du mois, la lettre du mois précédent est construite et envoyée.
    "lettre-mensuelle": {"task": "pilotage.planifiees.lettre_du_mois_precedent", "schedule": crontab(hour=6, minute=30)},
}

# PDF des documents Word : LibreOffice sans interface (chemin à préciser s'il n'est pas dans le PATH), délai maximal.
LIBREOFFICE = env("LIBREOFFICE", default="")
PDF_DELAI_MAX = env.int("PDF_DELAI_MAX", default=120)
PDF_AUTOMATIQUE = env.bool("PDF_AUTOMATIQUE", default=True)  # un PDF suit chaque convention et avenant générés

# L'organisme qui signe les conventions (le PLIE et sa structure juridique), tel qu'il apparaît sur les documents.
PLIE_ORGANISME = {
    "plie": env("PLIE_DENOMINATION", default="PLIE de l'agglomération dijonnaise"),
    "nom": env("PLIE_NOM", default="GIP Maison de l'emploi et de la formation du bassin dijonnais — PLIE"),
    "adresse": env("PLIE_ADRESSE", default=""),
    "commune": env("PLIE_COMMUNE", default="Dijon"),
    "representant": env("PLIE_REPRESENTANT", default="le Président du GIP"),
    "qualite": env("PLIE_QUALITE", default=""),
}
# Une convention ou un avenant qui attend une signature depuis ce nombre de jours est relancé (tâche quotidienne).
CONVENTIONS_DELAI_RELANCE_JOURS = env.int("CONVENTIONS_DELAI_RELANCE_JOURS", default=15)
# Le bureau du référent : une personne en parcours sans étape depuis ce nombre de semaines est à revoir.
PARTICIPANTS_SEMAINES_SANS_ETAPE = env.int("PARTICIPANTS_SEMAINES_SANS_ETAPE", default=8)

DJANGO_TABLES2_TEMPLATE = "tableau_triable.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "tableau"}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("HTTPS", default=False):
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes trace chaque connexion (identifiant et adresse masqués) : ses avertissements suffisent au journal.
    "loggers": {"axes": {"level": "WARNING"}},
}
