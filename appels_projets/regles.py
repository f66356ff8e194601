"""Conditions que l'appel à projets ajoute aux transitions de l'opération qui lui répond."""
from django.utils import timezone

from operations.regles import Condition


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


avant_la_date_limite = Condition(_dans_les_delais, _message_delai)
analysee = Condition(
    lambda op: _reponse(op) is None or _reponse(op).analyses.exists(),
    "Aucune analyse n'a été saisie : l'instruction ne peut pas être close.",
)
