"""Les bilans de la démonstration : chaque opération de 2016 arrivée au bilan a le sien, passé par le service du bilan
(préparé, rempli, déposé, renvoyé, contrôlé, validé), qui fait avancer l'opération comme dans la vraie vie."""
from decimal import Decimal

from justificatifs.models import Bilan, NatureBilan
from justificatifs.services import bilan_enregistrer, bilan_preparer, bilan_transition

# La transition du bilan final qui entraîne chaque transition de bilan de l'opération.
TRANSITION_DU_BILAN = {"deposer_bilan": "deposer", "renvoyer_bilan": "renvoyer", "redeposer_bilan": "redeposer",
                       "valider_controle": "controler", "solder": "valider"}
# Une part réaliste des dépenses prévues : ni tout, ni rien.
TAUX_REALISE = Decimal("0.94")

RECIT = ("{description} Les actions se sont déroulées comme prévu par la convention : accueil, diagnostic, "
         "accompagnement individuel et ateliers collectifs, avec un suivi mensuel en comité technique.")
ANALYSE = ("Les objectifs quantitatifs sont approchés ; l'écart tient surtout aux entrées du premier trimestre, "
           "plus lentes que prévu.")


def _remplir(bilan: Bilan, porteur):
    bilan_enregistrer(
        bilan=bilan, user=porteur,
        qualitatif={"actions_menees": RECIT.format(description=bilan.operation.description), "analyse": ANALYSE,
                    "difficultes": "Mobilité des participants hors de l'agglomération.",
                    "perspectives": "Reconduction de l'action en 2017 avec un atelier mobilité."},
        depenses={d.pk: str((d.prevu * TAUX_REALISE).quantize(Decimal("0.01"))) for d in bilan.depenses.all()},
        ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})


def avancer_par_le_bilan(operation, nom: str, *, porteur, gestionnaire, motivation: str):
    """Tire la transition de bilan `nom` de l'opération en passant par son bilan final (et ses bilans intermédiaires)."""
    if nom == "deposer_bilan":
        while True:
            bilan = bilan_preparer(operation=operation, user=porteur)
            _remplir(bilan, porteur)
            bilan_transition(bilan=bilan, nom="deposer", user=porteur, motivation=motivation)
            if bilan.nature == NatureBilan.FINAL:
                return
    final = Bilan.objects.get(operation=operation, nature=NatureBilan.FINAL)
    if nom == "redeposer_bilan":
        bilan_enregistrer(bilan=final, user=porteur, depenses={}, ressources={},
                          qualitatif={"analyse": ANALYSE + " Les dépenses de personnel sont détaillées par salarié."})
    auteur = porteur if nom == "redeposer_bilan" else gestionnaire
    bilan_transition(bilan=final, nom=TRANSITION_DU_BILAN[nom], user=auteur, motivation=motivation)


def dater_bilans(operation, moments: dict):
    """L'historique des bilans, leur préparation et leurs documents prennent les dates des transitions de l'opération
    qu'ils ont menées ; un bilan intermédiaire, celle du dépôt du bilan final (ils ont été remis ensemble)."""
    from django.contrib.contenttypes.models import ContentType
    from django_fsm_log.models import StateLog

    from operations.models import DocumentGenere

    type_bilan = ContentType.objects.get_for_model(Bilan)
    nom_de_l_operation = {v: k for k, v in TRANSITION_DU_BILAN.items()}
    for bilan in Bilan.objects.filter(operation=operation):
        depot = moments["deposer_bilan"]
        Bilan.objects.filter(pk=bilan.pk).update(cree_le=depot, modifie_le=depot)
        for ligne in StateLog.objects.filter(content_type=type_bilan, object_id=bilan.pk):
            moment = moments[nom_de_l_operation[ligne.transition]] if bilan.nature == NatureBilan.FINAL else depot
            StateLog.objects.filter(pk=ligne.pk).update(timestamp=moment)
        documents = DocumentGenere.objects.filter(content_type=type_bilan, object_id=bilan.pk).order_by("pk")
        for document, nom in zip(documents, ["deposer_bilan", "redeposer_bilan"]):
            DocumentGenere.objects.filter(pk=document.pk).update(cree_le=moments.get(nom, depot))
