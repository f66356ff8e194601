"""Les droits des pages des participants (fusionnés dans tests/test_permissions.py) : l'import est réservé à
l'équipe d'animation."""
from participants.models import Participant
from tests.test_permissions import CONNEXION, Cas, tous


def _rien_importe(ctx, role, reponse):
    assert not Participant.objects.exists(), f"{role} : un import a eu lieu sans fichier confirmé"


MATRICE = {
    "participants:importer": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    # Sans import en attente, l'animation est renvoyée vers la page d'import avec un message.
    "participants:confirmer_import": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post",
                                         verifier=_rien_importe),
}
