from .models import Plie
from .plies import plies_accessibles, plies_de
from .roles import Role, roles_de


def roles(request):
    codes = roles_de(request.user)
    return {"roles_utilisateur": codes, "libelles_roles": [Role(c).label for c in sorted(codes) if c in Role.values]}


def plies(request):
    """Le sélecteur de PLIE, pour les seuls comptes qui travaillent sur plusieurs (organisme pivot, administrateur)."""
    accessibles = plies_accessibles(request.user)
    if len(accessibles) < 2:
        return {}
    vus = plies_de(request.user)
    return {"selecteur_plies": Plie.objects.filter(pk__in=accessibles).only("pk", "nom"),
            "plie_choisi": vus[0] if len(vus) == 1 else None}
