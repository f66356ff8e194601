"""Le pied de page nomme le ou les programmes de ce que montre la page (mentions lues du programme)."""
from django import template

from ..models import Operation

register = template.Library()

# Les pages filles d'une opération : leur objet principal mène à elle (une réponse à un appel, une convention...).
OBJETS_D_UNE_OPERATION = ("reponse", "convention", "avenant", "bilan", "seance")


def _operation_de(context) -> Operation | None:
    operation = context.get("operation")
    if isinstance(operation, Operation):
        return operation
    for nom in OBJETS_D_UNE_OPERATION:
        operation = getattr(context.get(nom), "operation", None)
        if isinstance(operation, Operation):
            return operation
    return None


@register.simple_tag(takes_context=True)
def programmes_de_la_page(context) -> list:
    """La fiche d'une opération et ses pages filles : son programme ; la fiche d'un appel : le sien ; ailleurs, les
    programmes des opérations que l'utilisateur peut voir (`operations.context_processors.programmes`)."""
    operation = _operation_de(context)
    if operation is not None and operation.programme_id:
        return [operation.programme]
    appel = context.get("appel")
    if getattr(appel, "programme_id", None):
        return [appel.programme]
    visibles = context.get("programmes_visibles")
    return visibles() if callable(visibles) else []
