"""Les pièces justificatives d'un bilan : déposées par le porteur sur une dépense (facture, bulletin, feuille de
temps, feuille d'émargement) ou sur la sortie positive d'un participant (contrat, attestation), contrôlées sur leur
contenu, analysées par l'antivirus s'il est configuré, ouvertes seulement par qui voit le bilan (et tracées)."""
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction

from annuaire.antivirus import analyser
from annuaire.fichiers import verifier_fichier
from operations.workflow import ActionRefusee
from participants.models import Participant

from .models import AccesPiece, Bilan, DepenseBilan, NaturePiece, PieceJustificative
from .selectors import sorties_positives
from .services import exiger_porteur


def piece_deposer(*, bilan: Bilan, user, fichier, nature: str, depense: DepenseBilan | None = None,
                  participant: Participant | None = None) -> PieceJustificative:
    exiger_porteur(bilan.operation, user, "Déposer une pièce justificative")
    if not bilan.modifiable:
        raise ActionRefusee(f"Le bilan est à l'état « {bilan.get_etat_display()} » : ses pièces ne changent plus.")
    if nature not in NaturePiece.values:
        raise ActionRefusee(f"Nature de la pièce : « {nature} » n'est pas une nature connue.")
    if (depense is None) == (participant is None):
        raise ActionRefusee("Une pièce justifie une dépense du bilan ou la sortie positive d'un participant.")
    if depense is not None and depense.bilan_id != bilan.pk:
        raise ActionRefusee("Cette dépense n'appartient pas à ce bilan.")
    if participant is not None:
        if nature != NaturePiece.PREUVE_SORTIE:
            raise ActionRefusee("Sur un participant, seule une preuve de sortie positive se dépose.")
        if participant.pk not in {p.pk for p in sorties_positives(bilan)}:
            raise ActionRefusee(f"{participant.prenom} {participant.nom} n'a pas de sortie positive dans la période du bilan.")
    try:
        type_mime = verifier_fichier(fichier, libelle="La pièce")
        fichier.seek(0)
        contenu = fichier.read()
        fichier.seek(0)
        trace = analyser(contenu, libelle=f"La pièce « {fichier.name} »")
    except ValidationError as erreur:
        raise ActionRefusee(erreur.messages[0]) from None
    nom = fichier.name.rsplit("/", 1)[-1][:255]
    piece = PieceJustificative(bilan=bilan, depense=depense, participant=participant, nature=nature, nom=nom,
                               type_mime=type_mime, taille=len(contenu), empreinte=hashlib.sha256(contenu).hexdigest(),
                               antivirus=trace, deposee_par=user)
    # Le nom stocké ne reprend pas celui du porteur (il peut contenir un nom de personne) : l'empreinte suffit.
    extension = nom[nom.rfind("."):].lower()[:6] if "." in nom else ""
    with transaction.atomic():
        piece.fichier.save(f"{bilan.operation.code}-{piece.empreinte[:16]}{extension}", fichier, save=False)
        piece.save()
    return piece


def piece_retirer(*, piece: PieceJustificative, user) -> None:
    exiger_porteur(piece.bilan.operation, user, "Retirer une pièce justificative")
    if not piece.bilan.modifiable:
        raise ActionRefusee("Le bilan est déposé : ses pièces ne se retirent plus.")
    if piece.depense_id and piece.depense.aide_id:
        raise ActionRefusee("Cette facture vient du paiement de l'aide : elle ne se retire pas du bilan.")
    piece.fichier.delete(save=False)
    piece.delete()


def piece_ouvrir(*, piece: PieceJustificative, user) -> PieceJustificative:
    """Chaque ouverture est tracée (qui, quand) : une pièce peut porter des données personnelles."""
    AccesPiece.objects.create(piece=piece, par=user)
    return piece
