"""Les droits des pages d'un traitement de fond (fusionnés dans tests/test_permissions.py) : seul celui qui l'a
lancé suit son avancement ; pour tout autre compte, il n'existe pas (404)."""
from operations.models import Traitement
from tests.test_permissions import CONNEXION, Cas, tous

LIBELLE = "Traitement de la matrice des droits"


def _traitement_de_l_animation(ctx):
    traitement = Traitement.objects.create(libelle=LIBELLE, demande_par=ctx["comptes"]["animation"])
    return {"pk": traitement.pk}


def _archive_de_l_animation(ctx):
    from django.core.files.base import ContentFile

    traitement = Traitement.objects.create(libelle=LIBELLE, demande_par=ctx["comptes"]["animation"])
    traitement.fichier.save("archive.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    return {"pk": traitement.pk}


MATRICE = {
    "operations:fichier_traitement": Cas(tous(404, anonyme=CONNEXION, animation=200), objet=_archive_de_l_animation,
                                         ne_revele_pas=lambda ctx: LIBELLE),
    "operations:traitement": Cas(tous(404, anonyme=CONNEXION, animation=200), objet=_traitement_de_l_animation,
                                 ne_revele_pas=lambda ctx: LIBELLE),
    "operations:etat_traitement": Cas(tous(404, anonyme=CONNEXION, animation=200), objet=_traitement_de_l_animation,
                                      ne_revele_pas=lambda ctx: LIBELLE),
}
