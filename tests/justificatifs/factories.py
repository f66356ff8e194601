"""Un bilan dans l'état voulu, pour les tests qui ont besoin qu'il existe (les transitions de bilan de l'opération)."""
import json

from annuaire.roles import Role
from justificatifs.models import Bilan, NatureBilan
from operations.programmes import REFERENTIEL, Programme
from tests.factories import utilisateur

# L'état du bilan final qui permet chaque transition de bilan de l'opération.
ETAT_DU_BILAN_POUR = {"deposer_bilan": "depose", "renvoyer_bilan": "a_corriger", "redeposer_bilan": "depose",
                      "valider_controle": "controle", "solder": "valide"}


def bilan_final(operation, etat: str) -> Bilan:
    """Le bilan final de l'opération, mis directement dans `etat` (champ protégé : on recrée la ligne)."""
    Bilan.objects.filter(operation=operation, nature=NatureBilan.FINAL).delete()
    return Bilan.objects.create(operation=operation, nature=NatureBilan.FINAL, rang=1, debut=operation.date_debut,
                                fin=operation.date_fin, etat=etat,
                                prepare_par=utilisateur(Role.PORTEUR, structure=operation.porteur))


def rendre_possible(operation, nom: str):
    """Avant de tirer une transition de bilan de l'opération hors du service du bilan : le bilan qui la permet."""
    if nom in ETAT_DU_BILAN_POUR:
        bilan_final(operation, ETAT_DU_BILAN_POUR[nom])


def programme_livre(code: str) -> Programme:
    """Un programme du référentiel livré (operations/referentiel/programmes.json), tel que la migration le charge, sans
    base de données : ses options de coûts pour les tests de l'arithmétique."""
    donnees = next(p for p in json.loads(REFERENTIEL.read_text(encoding="utf-8"))["programmes"] if p["code"] == code)
    return Programme(**donnees)


def joindre_les_pieces(bilan, porteur):
    """Une facture par dépense réalisée : le dépôt du bilan l'exige (`_pieces_justificatives`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from justificatifs.pieces import piece_deposer

    for depense in bilan.depenses.filter(realise__gt=0, pieces__isnull=True):
        piece_deposer(bilan=bilan, user=porteur, depense=depense, nature="facture",
                      fichier=SimpleUploadedFile(f"facture-{depense.pk}.pdf", b"%PDF-1.4\nfacture\n%%EOF\n"))
