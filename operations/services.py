import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from django_fsm_log.models import StateLog

from annuaire.models import Plie
from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import Role, a_role

from .models import Operation
from .programmes import Programme, programme_pour
from .options import ETATS_FINAUX
from .selectors import refus_de_modification
from .signaux import programme_a_changer, programme_change
from .tasks import notifier_transition
from .workflow import ActionRefusee, tirer_transition

__all__ = ["ActionRefusee", "operation_transition", "operation_creer", "operation_enregistrer", "operation_changer_programme"]


def operation_transition(*, operation: Operation, nom: str, user, motivation: str = "") -> Operation:
    """Tire la transition `nom` de l'opération pour `user`, puis avise les personnes concernées après commit."""
    journal = tirer_transition(objet=operation, nom=nom, user=user, motivation=motivation)
    notifier_transition.delay_on_commit(journal.pk)
    return operation


def _prochain_code(plie: Plie, annee: int) -> str:
    """Chaque PLIE numérote ses opérations avec son préfixe : OP-2016-001, puis OP-2016-002..."""
    prefixe = f"{plie.prefixe_operations}-{annee}-"
    derniers = Operation.objects.filter(plie=plie, code__startswith=prefixe).values_list("code", flat=True)
    rangs = [int(m.group(1)) for c in derniers if (m := re.fullmatch(rf"{re.escape(prefixe)}(\d+)", c))]
    return f"{prefixe}{max(rangs, default=0) + 1:03d}"


def operation_creer(*, user, porteur, plie: Plie | None = None, date_debut: date | None = None,
                    programme: Programme | None = None, **champs) -> Operation:
    """Crée une demande en brouillon avec un code `PREFIXE-AAAA-NNN` unique, même sous création concurrente.

    Elle est rangée dans `plie` (celui de l'appel auquel elle répond), à défaut dans celui de sa structure porteuse.
    Son programme est celui de son appel à projets (`programme`), sinon celui de ses dates ; un brouillon encore sans
    dates prend l'année et le programme d'aujourd'hui (le dépôt exigera les dates).
    """
    plie = plie or porteur.plie
    if porteur.plie_id != plie.pk:
        raise ActionRefusee(f"La structure {porteur.nom} n'appartient pas au PLIE « {plie} » : "
                            "elle ne peut pas y porter d'opération.")
    jour = date_debut or timezone.localdate()
    programme = programme or programme_pour(jour)
    if programme is None:
        raise ActionRefusee(f"Aucun programme européen ne couvre une opération qui commence le {jour:%d/%m/%Y}.")
    for _ in range(5):
        operation = Operation(plie=plie, porteur=porteur, date_debut=date_debut, programme=programme, cree_par=user,
                              **champs)
        operation.code = _prochain_code(plie, jour.year)
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
            plie = plie_courant(user)  # un porteur : le PLIE de sa structure
            if plie is None:
                raise ActionRefusee(CHOISIR_UN_PLIE)
            operation = operation_creer(user=user, porteur=user.structure, plie=plie, **donnees)
        for formset in formsets:
            formset.instance = operation
            formset.save()
    return operation



def refus_de_changer_programme(operation: Operation, user=None) -> str | None:
    """Pourquoi le programme de l'opération ne peut plus changer (ou None) : après la signature de sa convention."""
    if user is not None and not a_role(user, Role.ANIMATION):
        return "Seule l'équipe d'animation change le programme d'une opération."
    if operation.etat in ETATS_FINAUX:
        return f"{operation.code} est à l'état « {operation.get_etat_display()} » : son programme ne change plus."
    refus = [r for _, r in programme_a_changer.send(sender=Operation, operation=operation) if r]
    return " ".join(refus) or None


def operation_changer_programme(*, operation: Operation, programme: Programme, user, motivation: str) -> Operation:
    """L'équipe d'animation rattache l'opération à un autre programme, motivation à l'appui, jusqu'à la signature de
    la convention ; le changement s'inscrit dans l'historique de l'opération."""
    motivation = (motivation or "").strip()
    with transaction.atomic():
        operation = Operation.objects.select_for_update().select_related("programme").get(pk=operation.pk)
        refus = refus_de_changer_programme(operation, user)
        if refus:
            raise ActionRefusee(refus)
        if programme.pk == operation.programme_id:
            raise ActionRefusee(f"{operation.code} relève déjà du programme {programme.libelle}.")
        if not motivation:
            raise ActionRefusee("La motivation est obligatoire pour changer le programme d'une opération.")
        ancien = operation.programme
        operation.programme = programme
        operation.save(update_fields=["programme", "modifiee_le"])
        StateLog.objects.create(
            content_object=operation, by=user, source_state=operation.etat, state=operation.etat,
            transition="changer_programme", description=f"Programme : {ancien.libelle} → {programme.libelle}. {motivation}")
        programme_change.send(sender=Operation, operation=operation, user=user)
    return operation
