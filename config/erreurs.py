"""La page d'erreur serveur : quand la base de données est injoignable (redémarrage, bascule), une page 503 claire
avec `Retry-After` plutôt qu'une erreur 500. Django appelle cette vue dans le traitement de l'exception, où qu'elle
soit née (vue ou middleware : session, verrou de connexion…).

Les connexions sont vérifiées avant usage (`CONN_HEALTH_CHECKS`) : dès que la base revient, la requête suivante en
rouvre une, sans redémarrer l'application.
"""
import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def erreur_serveur(request):
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.warning("base de données injoignable : %s", exception.__class__.__name__)
        reponse = HttpResponse(render_to_string("503.html"), status=503)
        reponse["Retry-After"] = "30"
        return reponse
    return HttpResponse(render_to_string("500.html"), status=500)
