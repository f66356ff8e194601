"""Les programmes européens que nomme le pied de page d'une page qui ne montre pas une opération en particulier."""
from annuaire.roles import roles_de


def programmes(request):
    """Ceux des opérations que l'utilisateur peut voir : paresseux (calculés seulement si le pied de page les lit, une
    requête au plus, gardée sur la requête HTTP) ; aucun pour un anonyme, sans requête (page de connexion)."""
    def visibles() -> list:
        if not hasattr(request, "_programmes_visibles"):
            request._programmes_visibles = _programmes_visibles(getattr(request, "user", None))
        return request._programmes_visibles

    return {"programmes_visibles": visibles}


def _programmes_visibles(user) -> list:
    if not roles_de(user):
        return []
    from .models import Operation
    from .programmes import Programme

    return list(Programme.objects.filter(pk__in=Operation.objects.visible_to(user).values("programme_id")))
