"""Les rôles de l'application : un groupe Django par rôle, nommé par son code."""
from django.db import models


class Role(models.TextChoices):
    ANIMATION = "animation", "Équipe d'animation"
    PORTEUR = "porteur", "Porteur de projet"
    REFERENT = "referent", "Référent de parcours"
    COMITE = "comite", "Membre de comité"
    GESTIONNAIRE = "gestionnaire", "Gestionnaire FSE"
    ADMINISTRATEUR = "administrateur", "Administrateur"


# Rôles rattachés à une structure porteuse : ils ne voient que les données de leur structure.
ROLES_DE_STRUCTURE = {Role.PORTEUR, Role.REFERENT}


def roles_de(user) -> set[str]:
    """Les codes de rôle de l'utilisateur (mis en cache sur l'objet pour la durée de la requête)."""
    if not user or not user.is_authenticated:
        return set()
    if not hasattr(user, "_roles_cache"):
        user._roles_cache = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            user._roles_cache.add(Role.ADMINISTRATEUR)
    return user._roles_cache


def a_role(user, *roles: str) -> bool:
    return bool(roles_de(user) & set(roles))
