import re
from datetime import date

from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition
from django_fsm_log.helpers import FSMLogDescriptor

from annuaire.roles import Role, a_role

from .models import Operation
from .options import Etat
from .selectors import historique, refus_de_modification, transition_nommee
from .tasks import notifier_transition


class ActionRefusee(Exception):
    """Une action métier refusée ; le message, en français, est montré tel quel à l'utilisateur."""


def operation_transition(*, operation: Operation, nom: str, user, motivation: str = "") -> Operation:
    """Tire la transition `nom` pour `user` : droits, conditions, motivation, puis écriture atomique.

    Deux transitions simultanées sur la même opération : la seconde échoue proprement
    (ConcurrentTransitionMixin compare l'état lu à l'état en base au moment d'écrire).
    """
    etat_lu = operation.etat
    t = transition_nommee(operation, nom)
    if t is None:
        raise ActionRefusee(
            f"Cette action n'est pas possible pour une opération à l'état « {Etat(etat_lu).label} »."
        )
    libelle = t.custom["libelle"]
    refus = t.permission.refus(operation, user)
    if refus:
        raise ActionRefusee(f"« {libelle} » : {refus}")
    bloquants = [c.message(operation) for c in t.conditions if not c(operation)]
    if bloquants:
        raise ActionRefusee(f"« {libelle} » est impossible pour l'instant : " + " ".join(bloquants))
    motivation = (motivation or "").strip()
    if t.custom["motivation_requise"] and not motivation:
        raise ActionRefusee(f"La motivation est obligatoire pour « {libelle} ».")
    try:
        with transaction.atomic():
            with FSMLogDescriptor(operation, "by", user), FSMLogDescriptor(operation, "description", motivation):
                getattr(operation, nom)()
            operation.save()
    except ConcurrentTransition:
        operation.refresh_from_db()
        raise ActionRefusee(
            f"L'opération vient de changer d'état (elle est maintenant « {operation.get_etat_display()} ») : "
            f"« {libelle} » n'a pas été appliqué. Rechargez la page."
        ) from None

    notifier_transition.delay_on_commit(historique(operation).last().pk)
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
