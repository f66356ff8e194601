"""Deux envois simultanés de la même lettre, chacun dans sa transaction PostgreSQL : un seul passe (verrou de ligne),
l'autre reçoit un refus clair, et chaque destinataire reçoit la lettre une fois."""
import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connections

from annuaire.roles import Role
from operations.workflow import ActionRefusee
from pilotage.models import EnvoiLettre, LettreMensuelle
from pilotage.services import lettre_envoyer, lettre_preparer
from tests.factories import utilisateur

from .factories import DestinataireFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_deux_envois_simultanes_un_seul_passe():
    animation = [utilisateur(Role.ANIMATION) for _ in range(2)]
    for n in range(3):
        DestinataireFactory(courriel=f"d{n}@exemple.fr")
    lettre = lettre_preparer(mois=date(2017, 3, 1), user=animation[0])
    barriere = threading.Barrier(2, timeout=30)
    reussis, refus, erreurs = [], [], []

    def agent(user):
        try:
            copie = LettreMensuelle.objects.get(pk=lettre.pk)
            barriere.wait()
            lettre_envoyer(lettre=copie, user=user)
            reussis.append(user.pk)
        except ActionRefusee as exc:
            refus.append(str(exc))
        except Exception as exc:  # toute autre erreur est un défaut : le test l'affiche
            erreurs.append(repr(exc))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=agent, args=(u,)) for u in animation]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    assert not any(f.is_alive() for f in fils), "un fil est resté bloqué"
    assert erreurs == []
    assert len(reussis) == 1 and len(refus) == 1
    assert "La lettre de mars 2017 a déjà été envoyée" in refus[0]
    assert sorted(m.to[0] for m in mail.outbox) == ["d0@exemple.fr", "d1@exemple.fr", "d2@exemple.fr"]
    assert EnvoiLettre.objects.count() == 3
