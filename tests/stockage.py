"""Les fichiers stockés vus par les tests, sur disque (MEDIA_ROOT) comme dans le bucket S3 (.ci/run) : toujours par le
stockage configuré, jamais par un chemin du disque."""
import contextlib
import functools

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
    """Efface du bucket ce qu'un test a écrit sous son préfixe (rien sur disque : tmp_path s'en charge).

    Par un client boto3 gardé pour la session : un stockage neuf à chaque test coûtait une session boto3 (près d'une
    seconde sur une machine chargée), pour chacun des mille tests, même ceux qui n'écrivent rien."""
    if not settings.STOCKAGE_S3_BUCKET:
        return
    options = reglages["default"]["OPTIONS"]
    client = _client_s3(options.get("endpoint_url"), options.get("region_name"))
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.STOCKAGE_S3_BUCKET,
                                                                 Prefix=f"{options['location']}/"):
        cles = [{"Key": objet["Key"]} for objet in page.get("Contents", ())]
        if cles:
            client.delete_objects(Bucket=settings.STOCKAGE_S3_BUCKET, Delete={"Objects": cles, "Quiet": True})


@functools.cache
def _client_s3(endpoint_url: str | None, region_name: str | None):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region_name)


@functools.cache
def _modeles_boto3():
    """Le chargeur des modèles de service de botocore (de gros JSON), lu une fois pour toute la session de test, avec
    les chemins de boto3 (ses ressources)."""
    import boto3

    return boto3.Session()._session.get_component("data_loader")


@contextlib.contextmanager
def sessions_boto3_partageant_les_modeles():
    """Chaque test a son propre stockage S3 (son préfixe), donc sa propre session boto3, qui relit et analyse les
    modèles de service JSON de botocore : près d'une seconde par test qui touche un fichier. Les sessions restent
    neuves (identifiants, client, requêtes HTTP vers le bucket : le vrai chemin du produit) ; seul ce chargeur, en
    lecture seule, est partagé."""
    import boto3
    import botocore.session
    from storages.backends.s3 import S3Storage

    origine = S3Storage._create_session

    def _create_session(self):
        if self.session_profile:
            return origine(self)
        chargeur = _modeles_boto3()
        chemins = list(chargeur.search_paths)
        session = botocore.session.get_session()
        session.register_component("data_loader", chargeur)
        session = boto3.Session(botocore_session=session, aws_access_key_id=self.access_key,
                                aws_secret_access_key=self.secret_key, aws_session_token=self.security_token)
        chargeur.search_paths[:] = chemins  # boto3 y ajoute son dossier à chaque session : il y est déjà
        return session

    S3Storage._create_session = _create_session
    try:
        yield
    finally:
        S3Storage._create_session = origine


def environnement_du_stockage() -> dict:
    """Les variables qui mettent les fichiers d'un processus lancé par le test (worker Celery…) au même endroit que
    ceux du test : son MEDIA_ROOT, ou son préfixe du bucket."""
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if settings.STOCKAGE_S3_BUCKET:
        env["STOCKAGE_S3_PREFIXE"] = settings.STORAGES["default"]["OPTIONS"]["location"]
    return env
