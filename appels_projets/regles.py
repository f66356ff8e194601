"""Conditions que l'appel à projets ajoute aux transitions de l'opération qui lui répond."""
from django.utils import timezone

from operations.regles import GARDES, Condition

from .options import TRANSITION_DE_LA_DECISION, Decision, EtatComite


def _reponse(operation):
    return getattr(operation, "reponse_appel", None)


def _dans_les_delais(operation) -> bool:
    reponse = _reponse(operation)
    return reponse is None or reponse.appel.depot_ouvert


def _message_delai(operation) -> str:
    appel = _reponse(operation).appel
    if timezone.now() > appel.date_limite:
        return (f"La date limite de dépôt de l'appel « {appel} » était le "
                f"{timezone.localtime(appel.date_limite):%d/%m/%Y à %H:%M} : le dépôt n'est plus possible.")
    return f"L'appel « {appel} » n'est pas ouvert aux dépôts ({appel.get_etat_display().lower()})."


avant_la_date_limite = Condition(_dans_les_delais, _message_delai,
                                 libelle="Une réponse à un appel se dépose avant sa date limite.")
analysee = Condition(
    lambda op: _reponse(op) is None or _reponse(op).analyses.exists(),
    "Aucune analyse n'a été saisie : l'instruction ne peut pas être close.",
    libelle="Une réponse à un appel a au moins une analyse.",
)


def decidee_en_comite(decision: str) -> Condition:
    """Une opération qui répond à un appel ne change d'état que par le procès-verbal validé du comité qui l'a décidé."""
    from .models import PointOrdreDuJour  # regles est chargé avant les modèles

    def decidee(operation) -> bool:
        reponse = _reponse(operation)
        return reponse is None or PointOrdreDuJour.objects.filter(
            reponse=reponse, decision=decision, comite__etat=EtatComite.PV_VALIDE).exists()

    return Condition(decidee, lambda op: (
        f"Cette opération répond à l'appel « {_reponse(op).appel} » : elle ne peut être "
        f"« {Decision(decision).label.lower()} » que par la validation du procès-verbal du comité qui en a décidé."),
        libelle=f"Une réponse à un appel est « {Decision(decision).label.lower()} » par le procès-verbal validé de son comité.")




def _pieces_manquantes(operation) -> list[str]:
    reponse = _reponse(operation)
    if reponse is None:
        return []
    deposees = set(reponse.pieces.values_list("piece_requise_id", flat=True))
    return [p.libelle for p in reponse.appel.pieces_requises.filter(obligatoire=True) if p.pk not in deposees]


pieces_obligatoires_deposees = Condition(
    lambda op: not _pieces_manquantes(op),
    lambda op: "Pièces obligatoires de l'appel à joindre (page de la réponse) : "
               + ", ".join(f"« {libelle} »" for libelle in _pieces_manquantes(op)) + ".",
    libelle="Une réponse à un appel porte toutes les pièces obligatoires de l'appel.")

GARDES.ajouter("operation.deposer", avant_la_date_limite, pieces_obligatoires_deposees)
GARDES.ajouter("operation.completer", pieces_obligatoires_deposees)
GARDES.ajouter("operation.clore_instruction", analysee)
for _decision, _transition in TRANSITION_DE_LA_DECISION.items():
    GARDES.ajouter(f"operation.{_transition}", decidee_en_comite(_decision))


def liens_de_la_fiche(operation, user) -> list[tuple[str, str]]:
    """Sur la fiche de l'opération : sa réponse à l'appel (pièces, accusé, lettre de décision)."""
    from django.urls import reverse

    from .models import Reponse

    reponse = Reponse.objects.visible_to(user).filter(operation=operation).select_related("appel").first()
    return [(f"Réponse à l'appel « {reponse.appel} »", reverse("appels_projets:reponse", args=[reponse.pk]))] if reponse else []
