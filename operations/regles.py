"""Qui peut tirer une transition, et à quelles conditions, avec la raison quand c'est refusé.

django-fsm appelle `permission(instance, user)` et chaque `condition(instance)` : ces objets
s'appellent de la même façon et savent en plus dire pourquoi ils refusent.
"""
from collections.abc import Callable

from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de


class Acteurs:
    """Les rôles qui peuvent tirer une transition ; un rôle de structure ne le peut que sur les siennes."""

    def __init__(self, *roles: str):
        self.roles = set(roles)

    def __call__(self, operation, user) -> bool:
        return self.refus(operation, user) is None

    def refus(self, operation, user) -> str | None:
        roles = roles_de(user) & self.roles
        if not roles:
            return "Réservé à : " + ", ".join(Role(r).label.lower() for r in sorted(self.roles)) + "."
        if roles <= ROLES_DE_STRUCTURE and user.structure_id != operation.porteur_id:
            return "Réservé à la structure porteuse de l'opération."
        return None


class Condition:
    """Une règle métier nommée ; `message(operation)` explique pourquoi elle n'est pas remplie."""

    def __init__(self, test: Callable, message: Callable | str):
        self.test = test
        self._message = message

    def __call__(self, operation) -> bool:
        return bool(self.test(operation))

    def message(self, operation) -> str:
        return self._message(operation) if callable(self._message) else self._message


def libelle(texte: str, *, motivation: bool = False, avertissement: str = "") -> dict:
    """Les méta-données `custom` d'une transition : le libellé du bouton, la motivation exigée, et l'avertissement
    à lire avant de confirmer une action lourde de conséquences (le bouton ouvre alors une confirmation)."""
    return {"libelle": texte, "motivation_requise": motivation, "avertissement": avertissement}
