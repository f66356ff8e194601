"""Les aides payées sont des dépenses de l'opération d'enveloppe souple : son bilan reprend, ligne à ligne, chaque aide
payée dans sa période, avec la facture du paiement comme pièce justificative. Ces lignes viennent du paiement et ne
se modifient pas à la main ; le contrôle de service fait les parcourt comme les autres."""
from decimal import Decimal

from operations.options import CategorieDepense

from .aides import Aide
from .models import Bilan, DepenseBilan, NaturePiece, PieceJustificative
from .options import EtatAide


def libelle_de_ligne(aide: Aide) -> str:
    """Sans nom de personne : le bilan et le contrôle la nomment par son numéro (la page de l'aide dit le reste)."""
    return (f"Aide n° {aide.pk} : {aide.get_nature_display().lower()} ({aide.get_motif_display().lower()}), "
            f"payée le {aide.payee_le:%d/%m/%Y}")


def reporter_aides(bilan: Bilan) -> int:
    """Ajoute au bilan (modifiable) une ligne par aide payée dans sa période qui n'y est pas encore ; rejouable."""
    if not bilan.modifiable:
        return 0
    aides = (Aide.objects.filter(operation_id=bilan.operation_id, etat=EtatAide.PAYEE,
                                 payee_le__range=(bilan.debut, bilan.fin), depense_au_bilan__isnull=True)
             .order_by("payee_le", "pk"))
    ajoutees = 0
    for aide in aides:
        depense = DepenseBilan.objects.create(bilan=bilan, categorie=CategorieDepense.FONCTIONNEMENT,
                                              libelle=libelle_de_ligne(aide), prevu=Decimal(0),
                                              realise=aide.montant_paye, aide=aide)
        # La pièce pointe vers le fichier de la facture déjà contrôlé au paiement (il n'est pas recopié).
        PieceJustificative.objects.create(
            bilan=bilan, depense=depense, nature=NaturePiece.FACTURE, fichier=aide.facture.name, nom=aide.facture_nom,
            type_mime=aide.facture_type, taille=aide.facture_taille or aide.facture.size,
            empreinte=aide.facture_empreinte, deposee_par=aide.payee_par)
        ajoutees += 1
    return ajoutees
