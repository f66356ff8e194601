from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_fsm_log.models import StateLog

from annuaire.roles import Role, roles_de

from .models import LigneDepense, LigneRessource, Operation
from .options import ETATS_MODIFIABLES, Etat


@dataclass
class TransitionOfferte:
    """Une transition que l'utilisateur a le droit de tirer ; `raisons` dit ce qui la bloque encore."""

    nom: str
    libelle: str
    motivation_requise: bool
    raisons: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.raisons


def transitions_de(operation: Operation):
    """Les transitions qui partent de l'état courant (avec leurs méta-données django-fsm)."""
    return (t for t in operation.get_all_etat_transitions() if t.source == operation.etat)


def transition_nommee(operation: Operation, nom: str):
    return next((t for t in transitions_de(operation) if t.name == nom), None)


def transitions_offertes(*, operation: Operation, user) -> list[TransitionOfferte]:
    """Exactement les boutons à montrer : ce que l'utilisateur peut faire maintenant, ou pourrait s'il levait un blocage."""
    offertes = []
    for t in transitions_de(operation):
        if not t.has_perm(operation, user):
            continue
        raisons = [c.message(operation) for c in t.conditions if not c(operation)]
        offertes.append(TransitionOfferte(t.name, t.custom["libelle"], t.custom["motivation_requise"], raisons))
    # D'abord ce qui fait avancer le dossier, puis ce qui le renvoie ou le refuse, l'abandon en dernier.
    return sorted(offertes, key=lambda o: (o.motivation_requise, o.nom == "abandonner"))


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
        .select_related("type", "porteur")
        .annotate(
            cout_total=somme(LigneDepense),
            fse_demande=somme(LigneRessource, financeur__est_fse=True),
        )
    )


def historique(operation: Operation):
    return (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Operation), object_id=operation.pk)
        .select_related("by")
        .order_by("timestamp", "pk")
    )


def operations_en_attente(*, user) -> list[dict]:
    """Pour la page d'accueil : par état, les opérations visibles dont la prochaine transition revient à ce rôle."""
    etats = {}
    exemple = Operation(porteur_id=user.structure_id)
    for t in Operation._meta.get_field("etat").get_all_transitions(Operation):
        if t.name == "abandonner":
            continue
        if t.permission(exemple, user):
            etats.setdefault(t.source, []).append(t.custom["libelle"])
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


