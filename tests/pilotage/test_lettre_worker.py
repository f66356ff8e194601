"""La tâche planifiée de la lettre, lancée deux fois pour le même mois sur un vrai worker Celery (Redis) : la lettre
part une fois, chaque destinataire la reçoit une fois."""
import pytest

from pilotage.models import EnvoiLettre, LettreMensuelle
from pilotage.planifiees import lettre_du_mois_precedent
from pilotage.tasks import envoyer_lettre
from tests.celery_reel import DELAI, EXECUTIONS, attendre

from .factories import DestinataireFactory, jeu_de_mars

pytestmark = [pytest.mark.redis, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_la_tache_lancee_deux_fois_sur_le_worker_n_envoie_qu_une_fois(worker, mailoutbox):
    jeu_de_mars()
    DestinataireFactory(courriel="financeur@exemple.fr")
    DestinataireFactory(courriel="FINANCEUR@exemple.fr".lower().replace("financeur", "porteur"), categorie="porteur")

    premiere = lettre_du_mois_precedent.delay("2017-04-03")
    seconde = lettre_du_mois_precedent.delay("2017-04-03")
    pk = premiere.get(timeout=DELAI)
    assert seconde.get(timeout=DELAI) == pk
    assert attendre(lambda: len(mailoutbox) == 2), "le worker n'a pas distribué la lettre à temps"
    assert attendre(lambda: any(nom == envoyer_lettre.name for nom, *_ in EXECUTIONS))
    # La distribution rejouée (message remis en file) ne sert personne deux fois.
    assert envoyer_lettre.delay(pk).get(timeout=DELAI) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["financeur@exemple.fr", "porteur@exemple.fr"]
    assert LettreMensuelle.objects.get(pk=pk).envoyee and EnvoiLettre.objects.count() == 2
    assert all(not en_ligne for _, _, en_ligne, _ in EXECUTIONS)  # reçues du courtier, pas exécutées dans le test
