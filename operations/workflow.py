"""Tirer une transition django-fsm, pour tout objet à machine à états (opération, appel, comité, convention...).

Les transitions ne sauvent rien et ne vérifient pas les droits : ce module le fait, dans une transaction,
et garde la trace (django-fsm-log : qui, quand, de, vers, motivation).
"""
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_fsm import ConcurrentTransition, FSMField
from django_fsm_log.helpers import FSMLogDescriptor
from django_fsm_log.models import StateLog

from .regles import conditions_de


class ActionRefusee(Exception):
    """Une action métier refusée ; le message, en français, est montré tel quel à l'utilisateur."""


@dataclass(frozen=True)
class ConditionLue:
    """Une condition d'une transition, telle que la montrent la fiche et docs/workflows.md, remplie ou non."""

    libelle: str
    remplie: bool
    message: str = ""


@dataclass
class TransitionOfferte:
    """Une transition que l'utilisateur a le droit de tirer ; `raisons` dit ce qui la bloque encore, `conditions`
    liste toutes celles qui la gardent (les mêmes que le diagramme)."""

    nom: str
    libelle: str
    motivation_requise: bool
    avertissement: str = ""
    raisons: list[str] = field(default_factory=list)
    conditions: list[ConditionLue] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.raisons


def champ_d_etat(objet) -> str:
    """Le champ de la machine à états de l'objet : `etat`, ou `statut_entree` pour l'entrée d'un participant."""
    return next(f.name for f in objet._meta.fields if isinstance(f, FSMField))


def etat_affiche(objet) -> str:
    return getattr(objet, f"get_{champ_d_etat(objet)}_display")()


def transitions_de(objet):
    """Les transitions qui partent de l'état courant (avec leurs méta-données django-fsm)."""
    champ = champ_d_etat(objet)
    return (t for t in getattr(objet, f"get_all_{champ}_transitions")() if t.source == getattr(objet, champ))


def transition_nommee(objet, nom: str):
    return next((t for t in transitions_de(objet) if t.name == nom), None)


def transitions_offertes(objet, *, user) -> list[TransitionOfferte]:
    """Exactement les boutons à montrer : ce que l'utilisateur peut faire maintenant, ou pourrait s'il levait un blocage."""
    offertes = []
    for t in transitions_de(objet):
        if not t.has_perm(objet, user):
            continue
        lues = [ConditionLue(c.libelle, True) if c(objet) else ConditionLue(c.libelle, False, c.message(objet))
                for c in conditions_de(t)]
        offertes.append(TransitionOfferte(t.name, t.custom["libelle"], t.custom["motivation_requise"],
                                          t.custom["avertissement"], [c.message for c in lues if not c.remplie], lues))
    # D'abord ce qui fait avancer le dossier, puis ce qui le renvoie ou le refuse, l'abandon en dernier.
    return sorted(offertes, key=lambda o: (o.motivation_requise, o.nom == "abandonner"))


def historique(objet):
    return (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(objet), object_id=objet.pk)
        .select_related("by")
        .order_by("timestamp", "pk")
    )


def tirer_transition(*, objet, nom: str, user, motivation: str = "", par_le_systeme: bool = False) -> StateLog:
    """Droits, conditions, motivation, puis écriture atomique ; renvoie la ligne d'historique.

    Deux transitions simultanées sur le même objet : la seconde échoue proprement
    (ConcurrentTransitionMixin compare l'état lu à l'état en base au moment d'écrire).
    `par_le_systeme` : une tâche planifiée (échéance) agit sans utilisateur ; jamais depuis une vue.
    """
    etat_lu = etat_affiche(objet)
    t = transition_nommee(objet, nom)
    if t is None:
        designation = getattr(objet, "DESIGNATION", "ce dossier")
        raise ActionRefusee(f"Cette action n'est pas possible pour {designation} à l'état « {etat_lu} ».")
    libelle = t.custom["libelle"]
    if not par_le_systeme:
        refus = t.permission.refus(objet, user)
        if refus:
            raise ActionRefusee(f"« {libelle} » : {refus}")
    bloquants = [c.message(objet) for c in conditions_de(t) if not c(objet)]
    if bloquants:
        raise ActionRefusee(f"« {libelle} » est impossible pour l'instant : " + " ".join(bloquants))
    motivation = (motivation or "").strip()
    if t.custom["motivation_requise"] and not motivation:
        raise ActionRefusee(f"La motivation est obligatoire pour « {libelle} ».")
    try:
        with transaction.atomic():
            with FSMLogDescriptor(objet, "by", user), FSMLogDescriptor(objet, "description", motivation):
                getattr(objet, nom)()
            objet.save()
            return historique(objet).last()
    except ConcurrentTransition:
        actuel = type(objet).objects.get(pk=objet.pk)  # refresh_from_db de django-fsm n'est pas sûr entre fils
        raise ActionRefusee(
            f"{getattr(objet, 'DESIGNATION', 'ce dossier').capitalize()} vient de changer d'état "
            f"(maintenant « {etat_affiche(actuel)} ») : "
            f"« {libelle} » n'a pas été appliqué. Rechargez la page."
        ) from None
