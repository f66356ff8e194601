"""Les fichiers stockés vus par les tests, sur disque (MEDIA_ROOT) comme dans le bucket S3 (.ci/run) : toujours par le
stockage configuré, jamais par un chemin du disque."""
from django.conf import settings

from annuaire.fichiers import fichiers_stockes


def fichiers(dossier: str = "") -> list[str]:
    """Les chemins des fichiers stockés sous `dossier` (tous s'il est vide)."""
    return list(fichiers_stockes(dossier))


def stockage_sous(prefixe: str) -> dict:
    """Les réglages STORAGES qui isolent les fichiers sous `prefixe` du bucket (inchangés sur disque : MEDIA_ROOT y suffit)."""
    if not settings.STOCKAGE_S3_BUCKET:
        return settings.STORAGES
    defaut = settings.STORAGES["default"]
    return {**settings.STORAGES, "default": {**defaut, "OPTIONS": {**defaut["OPTIONS"], "location": prefixe}}}


def vider_le_prefixe(reglages: dict) -> None:
    """Efface du bucket ce qu'un test a écrit sous son préfixe (rien sur disque : tmp_path s'en charge)."""
    if settings.STOCKAGE_S3_BUCKET:
        from django.core.files.storage import storages

        stockage = storages.create_storage(reglages["default"])
        stockage.bucket.objects.filter(Prefix=f"{stockage.location}/").delete()


def environnement_du_stockage() -> dict:
    """Les variables qui mettent les fichiers d'un processus lancé par le test (worker Celery…) au même endroit que
    ceux du test : son MEDIA_ROOT, ou son préfixe du bucket."""
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if settings.STOCKAGE_S3_BUCKET:
        env["STOCKAGE_S3_PREFIXE"] = settings.STORAGES["default"]["OPTIONS"]["location"]
    return env
