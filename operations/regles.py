"""Qui peut tirer une transition, et à quelles conditions, avec la raison quand c'est refusé.

django-fsm appelle `permission(instance, user)` et chaque `condition(instance)` : ces objets s'appellent de la même
façon et savent en plus dire pourquoi ils refusent.

Les conditions de toutes les machines à états vivent dans un seul registre, `GARDES` : une transition y est nommée
`machine.transition` (« operation.deposer »). Le modèle y déclare ses propres conditions (`gardee(...)` dans le
décorateur) ; une app de plus haut niveau y ajoute les siennes (`GARDES.ajouter(...)`) sans que le modèle la
connaisse. Le registre est la table que lisent les pages (raisons d'un blocage), les diagrammes de docs/workflows.md
et la commande `workflows`.
"""
import sys
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

    @property
    def libelles(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]


class Condition:
    """Une règle métier nommée ; `message(objet)` explique pourquoi elle n'est pas remplie.

    `libelle` : ce que la règle exige, dit positivement, sans objet sous la main (diagrammes de docs/workflows.md,
    liste des conditions d'une action sur la fiche). `origine` : le module qui la déclare.
    """

    def __init__(self, test: Callable, message: Callable | str, *, libelle: str):
        self.test = test
        self._message = message
        self.libelle = libelle
        self.origine = sys._getframe(1).f_globals.get("__name__", "?")

    def __call__(self, objet) -> bool:
        return bool(self.test(objet))

    def message(self, objet) -> str:
        return self._message(objet) if callable(self._message) else self._message


class Gardes:
    """Le registre : pour chaque transition (`machine.transition`), ses conditions, dans l'ordre de leur déclaration."""

    def __init__(self):
        self._table: dict[str, list[Condition]] = {}

    def ajouter(self, cle: str, *conditions: Condition) -> None:
        """Idempotent : un module rechargé (ready() rejoué en test) n'ajoute pas deux fois la même condition."""
        liste = self._table.setdefault(cle, [])
        liste.extend(c for c in conditions if c not in liste)

    def de(self, cle: str) -> list[Condition]:
        return list(self._table.get(cle, []))

    def table(self) -> dict[str, list[Condition]]:
        return {cle: list(conditions) for cle, conditions in self._table.items()}


GARDES = Gardes()


class Garde:
    """Ce que django-fsm voit d'une transition gardée : vrai quand chaque condition du registre pour elle l'est."""

    def __init__(self, cle: str):
        self.cle = cle

    def __call__(self, objet) -> bool:
        return all(condition(objet) for condition in GARDES.de(self.cle))


def gardee(cle: str, *conditions: Condition) -> list[Garde]:
    """Pour le décorateur `@transition(..., conditions=gardee("operation.deposer", plan_equilibre))` : enregistre les
    conditions que le modèle déclare lui-même et rend la garde qui lira aussi celles des autres apps."""
    GARDES.ajouter(cle, *conditions)
    return [Garde(cle)]


def conditions_de(transition) -> list[Condition]:
    """Les conditions d'une transition django-fsm, celles du registre comprises."""
    return [c for garde in transition.conditions for c in (GARDES.de(garde.cle) if isinstance(garde, Garde) else [garde])]


def libelle(texte: str, *, motivation: bool = False, avertissement: str = "") -> dict:
    """Les méta-données `custom` d'une transition : le libellé du bouton, la motivation exigée, et l'avertissement
    à lire avant de confirmer une action lourde de conséquences (le bouton ouvre alors une confirmation)."""
    return {"libelle": texte, "motivation_requise": motivation, "avertissement": avertissement}
