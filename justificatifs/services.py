"""Préparer, remplir et faire avancer les bilans d'exécution ; le bilan final mène l'opération avec lui.

Chaque écriture est tout ou rien ; une erreur nomme le champ ou la ligne fautive et ne change rien.
"""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from annuaire.formats import lire_montant
from operations.documents import document_generer
from operations.models import Operation
from operations.options import CategorieDepense, Etat
from operations.services import operation_transition
from operations.workflow import ActionRefusee, tirer_transition

from .aides_au_bilan import reporter_aides
from .documents import contexte_bilan
from .models import PORTEUR, Bilan, DepenseBilan, NatureBilan, RessourceBilan
from .regles import OPERATION_SUIT_LE_BILAN
from .selectors import prochain_bilan

ETATS_OU_L_ON_PREPARE = [Etat.EN_REALISATION]
CHAMPS_QUALITATIFS = ["actions_menees", "analyse", "difficultes", "perspectives"]


def exiger_porteur(operation: Operation, user, action: str):
    refus = PORTEUR.refus(operation, user)
    if refus:
        raise ActionRefusee(f"« {action} » : {refus}")


def bilan_preparer(*, operation: Operation, user) -> Bilan:
    """Le bilan suivant de l'échéancier, avec les dépenses et ressources du plan en cours comme « prévu »."""
    exiger_porteur(operation, user, "Préparer le bilan")
    if operation.etat not in ETATS_OU_L_ON_PREPARE:
        raise ActionRefusee(f"{operation.code} est à l'état « {operation.get_etat_display()} » : "
                            "un bilan se prépare pendant la réalisation.")
    if operation.bilans.filter(etat__in=["en_saisie", "a_corriger"]).exists():
        raise ActionRefusee("Un bilan est déjà en cours de saisie : déposez-le avant de préparer le suivant.")
    prevu = prochain_bilan(operation)
    if prevu is None:
        raise ActionRefusee(f"Tous les bilans prévus pour {operation.code} sont préparés.")
    try:
        with transaction.atomic():
            bilan = Bilan.objects.create(operation=operation, nature=prevu.nature, rang=prevu.rang, debut=prevu.debut,
                                         fin=prevu.fin, prepare_par=user)
            DepenseBilan.objects.bulk_create(
                DepenseBilan(bilan=bilan, categorie=d.categorie, libelle=d.libelle, prevu=d.montant)
                for d in operation.depenses.all())
            RessourceBilan.objects.bulk_create(
                RessourceBilan(bilan=bilan, financeur_id=r.financeur_id, prevu=r.montant)
                for r in operation.ressources.all())
            reporter_aides(bilan)  # enveloppe souple : une ligne par aide payée dans la période, avec sa facture
    except IntegrityError:  # préparé au même instant dans un autre onglet
        raise ActionRefusee("Ce bilan vient d'être préparé par ailleurs : rechargez la page.") from None
    return bilan


def _montant(texte, libelle: str, erreurs: list[str]) -> Decimal | None:
    """Un champ laissé vide reste à saisir (brouillon) : il n'est exigé qu'au dépôt (`CONDITIONS_DE_DEPOT`)."""
    if texte is None or not str(texte).strip():
        return None
    try:
        valeur = lire_montant(texte)
    except ValueError:
        erreurs.append(f"{libelle} : « {str(texte).strip()} » n'est pas un montant.")
        return None
    if valeur is None:
        return None
    if valeur < 0 or valeur != valeur.quantize(Decimal("0.01")) or valeur >= Decimal("1e10"):
        erreurs.append(f"{libelle} : un montant positif, au centime près, est attendu.")
        return None
    return valeur


def bilan_enregistrer(*, bilan: Bilan, user, qualitatif: dict[str, str], depenses: dict[int, str],
                      ressources: dict[int, str]) -> Bilan:
    """Les parties financière (montants réalisés et perçus, ligne par ligne) et qualitative ; tout ou rien."""
    exiger_porteur(bilan.operation, user, "Enregistrer le bilan")
    if not bilan.modifiable:
        raise ActionRefusee(f"Le bilan est à l'état « {bilan.get_etat_display()} » : il n'est plus modifiable.")
    erreurs, realises, recus = [], {}, {}
    lignes_depenses = {d.pk: d for d in bilan.depenses.all()}
    lignes_ressources = {r.pk: r for r in bilan.ressources.select_related("financeur")}
    for pk, texte in depenses.items():
        if pk not in lignes_depenses:
            erreurs.append(f"La dépense n° {pk} n'appartient pas à ce bilan.")
        elif lignes_depenses[pk].aide_id:
            erreurs.append(f"Dépense « {lignes_depenses[pk].libelle} » : elle vient du paiement de l'aide, son montant "
                           "ne se modifie pas à la main.")
        else:
            realises[pk] = _montant(texte, f"Dépense « {lignes_depenses[pk].libelle} » (réalisé)", erreurs)
    for pk, texte in ressources.items():
        if pk not in lignes_ressources:
            erreurs.append(f"La ressource n° {pk} n'appartient pas à ce bilan.")
        else:
            recus[pk] = _montant(texte, f"Ressource « {lignes_ressources[pk].financeur} » (perçu)", erreurs)
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    with transaction.atomic():
        for champ in CHAMPS_QUALITATIFS:
            if champ in qualitatif:
                setattr(bilan, champ, (qualitatif[champ] or "").strip())
        bilan.save(update_fields=[*CHAMPS_QUALITATIFS, "modifie_le"])
        for pk, valeur in realises.items():
            DepenseBilan.objects.filter(pk=pk).update(realise=valeur)
        for pk, valeur in recus.items():
            RessourceBilan.objects.filter(pk=pk).update(recu=valeur)
        reporter_aides(bilan)  # les aides payées depuis la préparation
    return bilan


def depense_ajouter(*, bilan: Bilan, user, categorie: str, libelle: str, montant) -> DepenseBilan:
    """Une dépense réalisée hors des lignes du plan (une facture, un bulletin...) : l'état récapitulatif détaillé que
    le contrôle parcourt ligne à ligne, ou par échantillon."""
    exiger_porteur(bilan.operation, user, "Ajouter une dépense")
    if not bilan.modifiable:
        raise ActionRefusee(f"Le bilan est à l'état « {bilan.get_etat_display()} » : il n'est plus modifiable.")
    erreurs = []
    if categorie not in CategorieDepense.values:
        erreurs.append(f"Catégorie : « {categorie} » n'est pas une catégorie de dépense.")
    if not (libelle or "").strip():
        erreurs.append("Libellé : décrivez la dépense (fournisseur, objet, date).")
    valeur = _montant(montant, "Montant", erreurs)
    if valeur is None and not erreurs:
        erreurs.append("Montant : saisissez le montant réalisé.")
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    return DepenseBilan.objects.create(bilan=bilan, categorie=categorie, libelle=libelle.strip()[:250],
                                       prevu=Decimal(0), realise=valeur)


def nom_du_bilan(bilan: Bilan) -> str:
    operation = bilan.operation
    return f"bilan-{bilan.rang}-{slugify(bilan.nature)}-{slugify(f'{operation.code} {operation.intitule}')[:80]}.docx"


def bilan_document(bilan: Bilan, user=None):
    """Le bilan en Word, stocké une fois par état de ses données (celui déposé reste, trace de ce qui a été remis)."""
    return document_generer(objet=bilan, nature="bilan_execution", contexte=contexte_bilan(bilan), nom=nom_du_bilan(bilan),
                            user=user)


def bilan_transition(*, bilan: Bilan, nom: str, user, motivation: str = "") -> Bilan:
    """Une étape du bilan ; pour le bilan final, l'opération suit dans la même transaction (dépôt → bilan déposé...)."""
    with transaction.atomic():
        tirer_transition(objet=bilan, nom=nom, user=user, motivation=motivation)
        if nom in ("deposer", "redeposer"):
            bilan_document(bilan, user)
        if bilan.nature == NatureBilan.FINAL:
            operation = Operation.objects.select_for_update().get(pk=bilan.operation_id)
            operation_transition(operation=operation, nom=OPERATION_SUIT_LE_BILAN[nom][0], user=user,
                                 motivation=motivation or f"{bilan.titre} : {bilan.get_etat_display().lower()}.")
    return bilan
