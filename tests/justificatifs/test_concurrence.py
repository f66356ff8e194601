"""Deux gestionnaires agissent au même instant sur le même bilan final (l'un valide le contrôle de service fait,
l'autre renvoie le bilan pour correction) : l'un gagne, l'autre reçoit un message clair ; bilan, contrôle et
opération restent d'accord, rien n'est à moitié écrit."""
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from conventions.options import EtatSignature
from justificatifs import controle, rapport_csf
from justificatifs.models import Bilan, ControleServiceFait, DepenseBilan, EtatBilan
from justificatifs.services import bilan_transition
from operations.documents import documents_de
from operations.models import Operation
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.conventions.factories import ConventionFactory
from tests.factories import OperationFactory, StructureFactory, utilisateur
from tests.justificatifs.factories import bilan_final

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

SUITE = {"valider": (EtatBilan.CONTROLE, Etat.BILAN_CONTROLE), "renvoyer": (EtatBilan.A_CORRIGER, Etat.BILAN_A_CORRIGER)}


@pytest.mark.parametrize("repetition", range(5))
def test_controler_et_renvoyer_en_meme_temps(repetition):
    operation = OperationFactory(porteur=StructureFactory(), etat=Etat.BILAN_DEPOSE)
    ConventionFactory(operation=operation, etat=EtatSignature.NOTIFIEE)
    bilan = bilan_final(operation, EtatBilan.DEPOSE)
    gestionnaires = [utilisateur(Role.GESTIONNAIRE), utilisateur(Role.GESTIONNAIRE)]
    for ligne in operation.depenses.all():
        depense = DepenseBilan.objects.create(bilan=bilan, categorie=ligne.categorie, libelle=ligne.libelle,
                                              prevu=ligne.montant, realise=ligne.montant)
        controle.depense_controler(depense=depense, user=gestionnaires[0], decision="retenue",
                                       commentaire="Pièces vues sur place.")
    barriere, resultats = threading.Barrier(2, timeout=30), {}

    def agent(nom, user):
        try:
            lu = Bilan.objects.select_related("operation").get(pk=bilan.pk)
            barriere.wait()
            if nom == "valider":
                rapport_csf.csf_valider(bilan=lu, user=user)
            else:
                bilan_transition(bilan=lu, nom=nom, user=user, motivation="Pièces à compléter.")
            resultats[nom] = "gagne"
        except ActionRefusee as refus:
            resultats[nom] = str(refus)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=agent, args=(nom, user)) for nom, user in zip(SUITE, gestionnaires)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    gagnants = [nom for nom, r in resultats.items() if r == "gagne"]
    assert len(gagnants) == 1, resultats
    perdant = next(nom for nom in SUITE if nom not in gagnants)
    assert "vient de changer d'état" in resultats[perdant]
    bilan.refresh_from_db()
    assert (bilan.etat, Operation.objects.get(pk=operation.pk).etat) == SUITE[gagnants[0]]
    # Le contrôle n'est noté validé (et son rapport produit) que si la validation l'a emporté.
    valide = ControleServiceFait.objects.filter(bilan=bilan, valide_le__isnull=False).exists()
    assert valide == (gagnants == ["valider"])
    assert documents_de(bilan, "rapport_csf").count() == int(valide)
    for modele, pk in ((Bilan, bilan.pk), (Operation, operation.pk)):
        assert StateLog.objects.filter(content_type=ContentType.objects.get_for_model(modele), object_id=pk).count() == 1
