"""Le bilan final mène l'opération : ses transitions de bilan suivent celles du bilan final, jamais sans lui.

`OPERATION_SUIT_LE_BILAN` est la seule correspondance entre les deux machines : le service du bilan
(`services.bilan_transition`) tire la transition de l'opération dans la même transaction ; tirée seule depuis la
fiche de l'opération, celle-ci est bloquée avec la raison (« depuis la page du bilan final »).
"""
from operations.regles import GARDES, Condition

from .models import EtatBilan

# transition du bilan final -> (transition de l'opération, état où le bilan final doit être, ce qu'il faut faire)
OPERATION_SUIT_LE_BILAN = {
    "deposer": ("deposer_bilan", EtatBilan.DEPOSE, "Déposez le bilan"),
    "renvoyer": ("renvoyer_bilan", EtatBilan.A_CORRIGER, "Renvoyez le bilan"),
    "redeposer": ("redeposer_bilan", EtatBilan.DEPOSE, "Redéposez le bilan"),
    "controler": ("valider_controle", EtatBilan.CONTROLE, "Validez le contrôle"),
    "valider": ("solder", EtatBilan.VALIDE, "Validez le bilan"),
}


def _bilan_final_a(etat: EtatBilan, action: str) -> Condition:
    def test(operation) -> bool:
        return operation.bilans.filter(nature="final", etat=etat).exists()

    return Condition(test, f"{action} depuis la page du bilan final (menu « Bilans » de l'opération).",
                     libelle=f"Le bilan final est « {etat.label.lower()} » (l'action se fait depuis sa page).")


for _operation, _etat, _action in OPERATION_SUIT_LE_BILAN.values():
    GARDES.ajouter(f"operation.{_operation}", _bilan_final_a(_etat, _action))
