from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from annuaire.roles import Role, roles_de

from . import workflow
from .models import LigneDepense, LigneRessource, Operation
from .options import ETATS_MODIFIABLES, Etat
from .workflow import TransitionOfferte, historique, transition_nommee  # noqa: F401  (API des pages et des tests)


def transitions_offertes(*, operation: Operation, user) -> list[TransitionOfferte]:
    return workflow.transitions_offertes(operation, user=user)


def refus_de_modification(*, operation: Operation, user) -> str | None:
    if Role.PORTEUR not in roles_de(user) or user.structure_id != operation.porteur_id:
        return "Seul le porteur de l'opération peut modifier sa demande."
    if operation.etat not in ETATS_MODIFIABLES:
        return f"Une opération à l'état « {operation.get_etat_display()} » n'est plus modifiable."
    return None


def operation_list(*, user):
    """Les opérations visibles, avec les montants du plan de financement calculés en une requête."""
    zero = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))

    def somme(modele, **filtre):
        sous = (
            modele.objects.filter(operation=OuterRef("pk"), **filtre)
            .values("operation")
            .annotate(t=Sum("montant"))
            .values("t")
        )
        return Coalesce(Subquery(sous, output_field=DecimalField(max_digits=12, decimal_places=2)), zero)

    return (
        Operation.objects.visible_to(user)
        .select_related("type", "porteur", "programme")
        .annotate(
            cout_total=somme(LigneDepense),
            fse_demande=somme(LigneRessource, financeur__est_fse=True),
        )
    )


def actions_par_etat(user, *, sauf: set[str] = frozenset()) -> dict[str, list[str]]:
    """Pour chaque état, les libellés des transitions de l'opération que ce rôle tire (hors abandon et `sauf`)."""
    actions = {}
    exemple = Operation(porteur_id=getattr(user, "structure_id", None))
    for t in Operation._meta.get_field("etat").get_all_transitions(Operation):
        if t.name != "abandonner" and t.name not in sauf and t.permission(exemple, user):
            actions.setdefault(t.source, []).append(t.custom["libelle"])
    return actions


def operations_en_attente(*, user) -> list[dict]:
    """Par état, les opérations visibles dont la prochaine transition revient à ce rôle."""
    etats = actions_par_etat(user)
    if not etats:
        return []
    compte = dict(
        Operation.objects.visible_to(user).filter(etat__in=etats).values_list("etat").annotate(n=Count("pk")).values_list("etat", "n")
    )
    return [
        {"etat": etat, "libelle": Etat(etat).label, "actions": etats[etat], "nombre": compte[etat]}
        for etat in Etat.values
        if compte.get(etat)
    ]


def compte_par_etat(*, user) -> dict[str, int]:
    return dict(Operation.objects.visible_to(user).values_list("etat").annotate(n=Count("pk")).values_list("etat", "n"))


