"""Ce que le bilan final impose à l'opération : ses transitions de bilan suivent celles du bilan, jamais sans lui.

Le service du bilan tire la transition de l'opération dans la même transaction ; tirée seule depuis la fiche de
l'opération, elle est bloquée avec la raison (« depuis la page du bilan final »).
"""
from operations.regles import Condition


def _bilan_final_a(etat: str, action: str) -> Condition:
    def test(operation) -> bool:
        return operation.bilans.filter(nature="final", etat=etat).exists()

    return Condition(test, f"{action} depuis la page du bilan final (menu « Bilans » de l'opération).")


DEPOT = _bilan_final_a("depose", "Déposez le bilan")
RENVOI = _bilan_final_a("a_corriger", "Renvoyez le bilan")
REDEPOT = _bilan_final_a("depose", "Redéposez le bilan")
CONTROLE = _bilan_final_a("controle", "Validez le contrôle")
SOLDE = _bilan_final_a("valide", "Validez le bilan")
