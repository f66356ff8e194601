"""Le bilan final mène l'opération : ses transitions de bilan suivent celles du bilan final, jamais sans lui.

`OPERATION_SUIT_LE_BILAN` est la seule correspondance entre les deux machines : le service du bilan
(`services.bilan_transition`) tire la transition de l'opération dans la même transaction ; tirée seule depuis la
fiche de l'opération, celle-ci est bloquée avec la raison (« depuis la page du bilan final »).
"""
from operations.regles import GARDES, Condition

# transition du bilan final -> (transition de l'opération, état où le bilan final doit être, ce qu'il faut faire)
OPERATION_SUIT_LE_BILAN = {
    "deposer": ("deposer_bilan", "depose", "Déposez le bilan"),
    "renvoyer": ("renvoyer_bilan", "a_corriger", "Renvoyez le bilan"),
    "redeposer": ("redeposer_bilan", "depose", "Redéposez le bilan"),
    "controler": ("valider_controle", "controle", "Validez le contrôle"),
    "valider": ("solder", "valide", "Validez le bilan"),
}


def _bilan_final_a(etat: str, action: str) -> Condition:
    def test(operation) -> bool:
        return operation.bilans.filter(nature="final", etat=etat).exists()

    return Condition(test, f"{action} depuis la page du bilan final (menu « Bilans » de l'opération).")


for _operation, _etat, _action in OPERATION_SUIT_LE_BILAN.values():
    GARDES.ajouter(f"operation.{_operation}", _bilan_final_a(_etat, _action))
