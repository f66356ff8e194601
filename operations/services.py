import re
from datetime import date

from django.db import IntegrityError, transaction

from annuaire.roles import Role, a_role

from .models import Operation
from .selectors import refus_de_modification
from .tasks import notifier_transition
from .workflow import ActionRefusee, tirer_transition

__all__ = ["ActionRefusee", "operation_transition", "operation_creer", "operation_enregistrer"]


def operation_transition(*, operation: Operation, nom: str, user, motivation: str = "") -> Operation:
    """Tire la transition `nom` de l'opération pour `user`, puis avise les personnes concernées après commit."""
    journal = tirer_transition(objet=operation, nom=nom, user=user, motivation=motivation)
    notifier_transition.delay_on_commit(journal.pk)
    return operation


def _prochain_code(annee: int) -> str:
    prefixe = f"OP-{annee}-"
    derniers = Operation.objects.filter(code__startswith=prefixe).values_list("code", flat=True)
    rangs = [int(m.group(1)) for c in derniers if (m := re.fullmatch(rf"{prefixe}(\d+)", c))]
    return f"{prefixe}{max(rangs, default=0) + 1:03d}"


def operation_creer(*, user, porteur, date_debut: date, **champs) -> Operation:
    """Crée une demande en brouillon avec un code `OP-AAAA-NNN` unique, même sous création concurrente."""
    for _ in range(5):
        operation = Operation(porteur=porteur, date_debut=date_debut, cree_par=user, **champs)
        operation.code = _prochain_code(date_debut.year)
        try:
            with transaction.atomic():
                operation.save()
            return operation
        except IntegrityError:
            continue
    raise ActionRefusee("Impossible d'attribuer un code à l'opération ; réessayez.")


def operation_enregistrer(*, operation: Operation, user, formulaire, formsets) -> Operation:
    """Enregistre le formulaire et les tableaux du plan de financement, tout ou rien."""
    if operation.pk:
        refus = refus_de_modification(operation=operation, user=user)
    elif not (a_role(user, Role.PORTEUR) and user.structure_id):
        refus = "Seul un porteur rattaché à une structure peut créer une demande."
    else:
        refus = None
    if refus:
        raise ActionRefusee(refus)
    with transaction.atomic():
        if operation.pk:
            operation = formulaire.save()
        else:
            donnees = {k: v for k, v in formulaire.cleaned_data.items() if k in {f.name for f in Operation._meta.fields}}
            operation = operation_creer(user=user, porteur=user.structure, **donnees)
        for formset in formsets:
            formset.instance = operation
            formset.save()
    return operation

