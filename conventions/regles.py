"""Condition que la convention ajoute à l'opération (qui ne connaît pas ses conventions)."""
from operations.regles import GARDES, Condition


def _notifiee(operation) -> bool:
    from .models import Convention
    from .options import EtatSignature

    return Convention.objects.filter(operation=operation, etat=EtatSignature.NOTIFIEE).exists()


convention_notifiee = Condition(
    _notifiee, "La convention n'est pas encore notifiée : l'opération devient conventionnée à sa notification.",
    libelle="La convention est notifiée.")
GARDES.ajouter("operation.conventionner", convention_notifiee)


def liens_de_la_fiche(operation, user) -> list[tuple[str, str]]:
    """Sur la fiche de l'opération : sa convention (ou de quoi la générer), ses avenants en cours."""
    from django.urls import reverse

    from annuaire.roles import Role, a_role

    from .models import Convention

    convention = Convention.objects.visible_to(user).filter(operation=operation).first()
    if convention is not None:
        return [(f"{convention.titre} ({convention.get_etat_display().lower()})", convention.get_absolute_url())]
    if operation.etat == "programmee" and a_role(user, Role.ANIMATION):
        return [("Générer la convention", reverse("conventions:fiche", args=[operation.code]))]
    return []


def encart_de_la_fiche(operation, user) -> dict | None:
    """Sur la fiche de l'opération conventionnée : la demande d'origine à côté des chiffres conventionnés (le plan
    affiché par la fiche est désormais celui de la version en vigueur)."""
    from .selectors import demande_et_conventionne

    comparaison = demande_et_conventionne(operation)
    return {"gabarit": "conventions/_encart_demande.html", "comparaison": comparaison} if comparaison else None
