"""Les droits des pages des modèles Word (fusionnés dans tests/test_permissions.py) : administrateurs seulement."""
from django.core.files.uploadedfile import SimpleUploadedFile

from operations.models import ModeleDocument
from tests.test_permissions import CONNEXION, Cas, tous

ADMINISTRATEUR_SEUL = tous(403, anonyme=CONNEXION, administrateur=200)
_DEPOT: dict = {}


def _formulaire_de_depot(ctx):
    _DEPOT.clear()
    _DEPOT.update({"fichier": SimpleUploadedFile("vide.docx", b"pas un docx"), "commentaire": "matrice"})
    return {"nature": "accuse_reception"}


def _rien_depose(ctx, role, reponse):
    assert not ModeleDocument.objects.exists(), f"{role} : un modèle invalide a été gardé"


MATRICE = {
    "operations:modeles": Cas(ADMINISTRATEUR_SEUL),
    "operations:modele": Cas(ADMINISTRATEUR_SEUL, methode="post", objet=_formulaire_de_depot, donnees=_DEPOT,
                             verifier=_rien_depose),
    "operations:version_modele": Cas(ADMINISTRATEUR_SEUL, objet=lambda ctx: {"nature": "convention", "numero": 0}),
}
