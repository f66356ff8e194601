from django.shortcuts import render

from annuaire.roles import Role, a_role

from ..options import Etat
from ..selectors import compte_par_etat, operations_en_attente


def accueil(request):
    """Ce qui attend l'utilisateur : les opérations dont la prochaine action lui revient."""
    compte = compte_par_etat(user=request.user)
    en_attente = operations_en_attente(user=request.user)
    return render(
        request,
        "operations/accueil.html",
        {
            "en_attente": en_attente,
            "total_attente": sum(ligne["nombre"] for ligne in en_attente),
            "par_etat": [(Etat(e), compte[e]) for e in Etat.values if compte.get(e)],
            "total": sum(compte.values()),
            "notifications": request.user.notifications.select_related("operation")[:8],
            "peut_creer": a_role(request.user, Role.PORTEUR) and request.user.structure_id,
        },
    )
