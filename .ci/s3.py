"""Lance une commande avec un vrai serveur du protocole S3 (moto), sur un port libre choisi au lancement.

    .venv/bin/python .ci/s3.py make test
    .venv/bin/python .ci/s3.py .venv/bin/python -m pytest tests/conventions

Le serveur tourne dans ce processus (un fil en arrière-plan) le temps de la commande, avec un bucket vide ; la commande
reçoit les variables qui mettent les fichiers du produit dans ce bucket (STOCKAGE_S3_BUCKET, AWS_*) ; le serveur
s'arrête quand elle se termine, et son code de sortie est celui de la commande.
"""
import logging
import os
import signal
import subprocess
import sys

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

BUCKET = "plie-fse-ci"


def main(commande: list[str]) -> int:
    if not commande:
        print(__doc__, file=sys.stderr)
        return 2
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # pas une ligne par requête
    serveur = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # 0 : le système choisit le port
    serveur.start()
    try:
        hote, port = serveur.get_host_and_port()
        env = {
            **os.environ,
            "STOCKAGE_S3_BUCKET": BUCKET,
            "AWS_ENDPOINT_URL_S3": f"http://{hote}:{port}",
            "AWS_ACCESS_KEY_ID": "ci",
            "AWS_SECRET_ACCESS_KEY": "ci",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "STOCKAGE_S3_ADRESSAGE": "path",
        }
        client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"], region_name=env["AWS_DEFAULT_REGION"],
                              aws_access_key_id="ci", aws_secret_access_key="ci")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": env["AWS_DEFAULT_REGION"]})
        print(f"Serveur S3 (moto) sur {env['AWS_ENDPOINT_URL_S3']}, bucket {BUCKET}", file=sys.stderr, flush=True)
        processus = subprocess.Popen(commande, env=env)
        for signal_recu in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_recu, lambda numero, _: processus.send_signal(numero))
        return processus.wait()
    finally:
        serveur.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
