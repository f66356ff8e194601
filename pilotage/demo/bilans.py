"""Les bilans de la démonstration : chaque opération de 2016 arrivée au bilan a le sien, passé par le service du bilan
(préparé, rempli, déposé, renvoyé, contrôlé, validé), qui fait avancer l'opération comme dans la vraie vie ; ce qu'il
contient et ce que le contrôle retient : `donnees/bilans.yaml`."""
from decimal import Decimal

from django.core.files.base import ContentFile

from justificatifs.controle import calcul_du_bilan, depense_controler, paiement_enregistrer
from justificatifs.rapport_csf import csf_valider
from justificatifs.models import (
    Bilan, ControleDepense, ControleServiceFait, MotifRejet, NatureBilan, PieceJustificative,
)
from justificatifs.pieces import piece_deposer
from justificatifs.regles import OPERATION_SUIT_LE_BILAN
from justificatifs.services import bilan_enregistrer, bilan_preparer, bilan_transition

from .appels import piece_pdf
from .lecture import lire

# La transition du bilan final qui entraîne chaque transition de bilan de l'opération (lue, jamais recopiée).
TRANSITION_DU_BILAN = {operation: bilan for bilan, (operation, _, _) in OPERATION_SUIT_LE_BILAN.items()}
_B = lire("bilans")
TAUX_REALISE = Decimal(_B["part_realisee"])
QUALITATIF = _B["qualitatif"]


def _joindre_les_pieces(bilan: Bilan, porteur):
    """Une pièce par dépense : un PDF qui tient la place de la facture ou du bulletin (la démonstration n'a pas les vrais)."""
    nature = {"personnel": "bulletin", "indirectes": "autre"}
    for depense in bilan.depenses.filter(aide__isnull=True, realise__gt=0):  # une aide payée a déjà sa facture
        contenu = piece_pdf(depense.libelle, [f"{bilan.operation.code} — {bilan.operation.intitule}",
                                              f"{depense.get_categorie_display()} : {depense.realise} €",
                                              "Pièce de démonstration : elle tient la place du justificatif."])
        piece_deposer(bilan=bilan, user=porteur, depense=depense, nature=nature.get(depense.categorie, "facture"),
                      fichier=ContentFile(contenu, name=f"justificatif-{depense.pk}.pdf"))


def _remplir(bilan: Bilan, porteur):
    # Une enveloppe souple se réalise par ses aides payées, reprises ligne à ligne : sa ligne du plan reste à zéro.
    taux = Decimal(0) if bilan.depenses.filter(aide__isnull=False).exists() else TAUX_REALISE
    bilan_enregistrer(
        bilan=bilan, user=porteur,
        qualitatif={**QUALITATIF, "actions_menees": QUALITATIF["actions_menees"].format(
            description=bilan.operation.description)},
        depenses={d.pk: str((d.prevu * taux).quantize(Decimal("0.01"))) for d in bilan.depenses.filter(aide__isnull=True)},
        ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})


def avancer_par_le_bilan(operation, nom: str, *, porteur, gestionnaire, motivation: str, jour):
    """Tire la transition de bilan `nom` de l'opération en passant par son bilan final (et ses bilans intermédiaires)."""
    if nom == "deposer_bilan":
        while True:
            bilan = bilan_preparer(operation=operation, user=porteur)
            _remplir(bilan, porteur)
            _joindre_les_pieces(bilan, porteur)
            bilan_transition(bilan=bilan, nom="deposer", user=porteur, motivation=motivation)
            if bilan.nature == NatureBilan.FINAL:
                return
    final = Bilan.objects.get(operation=operation, nature=NatureBilan.FINAL)
    if nom == "redeposer_bilan":
        bilan_enregistrer(bilan=final, user=porteur, depenses={}, ressources={},
                          qualitatif={"analyse": QUALITATIF["analyse"] + _B["correction"]})
    if nom == "valider_controle":
        _controler(final, gestionnaire)
        csf_valider(bilan=final, user=gestionnaire)
    elif nom == "solder":
        paiement_enregistrer(bilan=final, user=gestionnaire, montant=calcul_du_bilan(final).solde, le=jour)
    else:
        auteur = porteur if nom == "redeposer_bilan" else gestionnaire
        bilan_transition(bilan=final, nom=TRANSITION_DU_BILAN[nom], user=auteur, motivation=motivation)


def _controler(bilan: Bilan, gestionnaire):
    """Le contrôle de la démonstration : tout est retenu, sauf une part des déplacements faute de justificatif."""
    controle = _B["controle"]
    motif = MotifRejet.objects.get(code=controle["motif"])
    for depense in bilan.depenses.all():
        if depense.categorie == "fonctionnement" and depense.realise and not depense.aide_id:
            depense_controler(depense=depense, user=gestionnaire, decision="partielle", motif=motif,
                              montant_retenu=(depense.realise * Decimal(controle["part_retenue_du_fonctionnement"])).quantize(
                                  Decimal("0.01")), commentaire=controle["commentaire"])
        else:
            depense_controler(depense=depense, user=gestionnaire, decision="retenue")


def dater_bilans(operation, moments: dict):
    """L'historique des bilans, leur préparation et leurs documents prennent les dates des transitions de l'opération
    qu'ils ont menées ; un bilan intermédiaire, celle du dépôt du bilan final (ils ont été remis ensemble)."""
    from django.contrib.contenttypes.models import ContentType
    from django_fsm_log.models import StateLog

    from operations.models import DocumentGenere

    type_bilan = ContentType.objects.get_for_model(Bilan)
    for bilan in Bilan.objects.filter(operation=operation):
        depot = moments["deposer_bilan"]
        Bilan.objects.filter(pk=bilan.pk).update(cree_le=depot, modifie_le=depot)
        PieceJustificative.objects.filter(bilan=bilan).update(deposee_le=depot)
        for ligne in StateLog.objects.filter(content_type=type_bilan, object_id=bilan.pk):
            moment = moments[OPERATION_SUIT_LE_BILAN[ligne.transition][0]] if bilan.nature == NatureBilan.FINAL else depot
            StateLog.objects.filter(pk=ligne.pk).update(timestamp=moment)
        documents = DocumentGenere.objects.filter(content_type=type_bilan, object_id=bilan.pk)
        for document, nom in zip(documents.filter(nature="bilan_execution").order_by("pk"),
                                 ["deposer_bilan", "redeposer_bilan"]):
            DocumentGenere.objects.filter(pk=document.pk).update(cree_le=moments.get(nom, depot))
        if "valider_controle" in moments:
            controle = moments["valider_controle"]
            documents.filter(nature="rapport_csf").update(cree_le=controle)
            ControleDepense.objects.filter(depense__bilan=bilan).update(le=controle)
            ControleServiceFait.objects.filter(bilan=bilan).update(valide_le=controle)
