"""Demander, décider et payer une aide de l'enveloppe souple (`aides.py`). Chaque écriture vérifie les droits et les
conditions, est tout ou rien, et une erreur nomme le champ fautif sans rien changer.

Deux accords simultanés sur la même enveloppe : la ligne de l'opération est verrouillée (`select_for_update`) avant
de lire ce qui reste, le second attend le premier et voit son montant engagé.
"""
import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annuaire.antivirus import analyser
from annuaire.formats import euros
from annuaire.fichiers import verifier_fichier
from operations.models import Operation
from operations.workflow import ActionRefusee, etat_affiche, tirer_transition, transition_nommee
from participants.models import Participant
from participants.options import StatutEntree

from .aides import ETATS_OUVERTS, REFERENT, TYPE_ENVELOPPE, Aide, message_du_reste, reste
from .options import MotifAide, NatureAide
from .services import _montant

CHAMPS_DE_LA_DEMANDE = ["motif", "nature", "montant_demande", "justification"]


def enveloppe_de(jour: date, plies: list[int] | None = None) -> Operation | None:
    """L'opération d'enveloppe souple dont la période couvre le jour, conventionnée ou en réalisation ; celle du PLIE
    du participant (`plies`), dont le porteur est une structure."""
    enveloppes = Operation.objects.filter(type__code=TYPE_ENVELOPPE, date_debut__lte=jour, date_fin__gte=jour,
                                          etat__in=ETATS_OUVERTS)
    if plies is not None:
        enveloppes = enveloppes.filter(plie__in=plies)
    return enveloppes.order_by("date_debut", "pk").first()


def _lire_fichier(fichier, libelle: str) -> tuple[str, bytes]:
    """Le type reconnu dans le contenu (jamais le nom), la taille, l'antivirus s'il est configuré ; comme les pièces."""
    try:
        type_mime = verifier_fichier(fichier, libelle=libelle)
        fichier.seek(0)
        contenu = fichier.read()
        fichier.seek(0)
        analyser(contenu, libelle=f"{libelle} « {fichier.name} »")
    except ValidationError as erreur:
        raise ActionRefusee(erreur.messages[0]) from None
    return type_mime, contenu


def _ranger(champ, fichier, contenu: bytes, prefixe: str):
    """Le nom stocké ne reprend pas celui déposé (il peut nommer le participant) : l'empreinte suffit."""
    nom = fichier.name.rsplit("/", 1)[-1]
    extension = nom[nom.rfind("."):].lower()[:6] if "." in nom else ""
    champ.save(f"{prefixe}-{hashlib.sha256(contenu).hexdigest()[:16]}{extension}", fichier, save=False)
    return nom[:255]


def _exiger(aide: Aide, nom: str, user) -> None:
    """L'état et le droit avant d'écrire un fichier : une action refusée ne laisse pas de fichier orphelin."""
    t = transition_nommee(aide, nom)
    if t is None:
        raise ActionRefusee(f"Cette action n'est pas possible pour cette aide à l'état « {etat_affiche(aide)} ».")
    refus = t.permission.refus(aide, user)
    if refus:
        raise ActionRefusee(f"« {t.custom['libelle']} » : {refus}")


def _enregistrer(aide: Aide, champ, ecrire) -> None:
    """Écrit dans une transaction ; si elle échoue, le fichier déjà rangé est retiré du stockage."""
    try:
        with transaction.atomic():
            ecrire()
    except Exception:
        if champ:
            champ.delete(save=False)
        raise


def _valider_demande(donnees: dict, erreurs: list[str]) -> dict:
    propres = {}
    if donnees.get("motif") not in MotifAide.values:
        erreurs.append("Motif : choisissez emploi, formation ou stage.")
    else:
        propres["motif"] = donnees["motif"]
    if donnees.get("nature") not in NatureAide.values:
        erreurs.append("Nature : choisissez la nature de l'aide.")
    else:
        propres["nature"] = donnees["nature"]
    montant = _montant(donnees.get("montant_demande"), "Montant demandé", erreurs)
    if montant is None and not any(e.startswith("Montant demandé") for e in erreurs):
        erreurs.append("Montant demandé : saisissez le montant de l'aide.")
    elif montant is not None and montant <= 0:
        erreurs.append("Montant demandé : un montant positif est attendu.")
    propres["montant_demande"] = montant
    justification = (donnees.get("justification") or "").strip()
    if not justification:
        erreurs.append("Justification : dites en quelques lignes ce que l'aide permet.")
    elif len(justification) > 1000:
        erreurs.append(f"Justification : 1 000 caractères au plus ({len(justification)} saisis).")
    propres["justification"] = justification
    return propres


def aide_demander(*, user, participant: Participant, donnees: dict, devis=None, le: date | None = None) -> Aide:
    """Le référent demande une aide pour un participant que suit sa structure ; l'enveloppe est celle de l'année."""
    le = le or timezone.localdate()
    refus = REFERENT.refus(Aide(participant=participant), user)
    if refus or not Participant.objects.visible_to(user).filter(pk=participant.pk).exists():
        raise ActionRefusee(f"« Demander une aide » : {refus or 'réservé au référent du participant.'}")
    erreurs = []
    propres = _valider_demande(donnees, erreurs)
    if participant.statut_entree != StatutEntree.ENTRE:
        erreurs.append("Participant : son entrée au PLIE n'est pas validée.")
    elif participant.date_sortie and participant.date_sortie < le:
        erreurs.append(f"Participant : sorti du PLIE le {participant.date_sortie:%d/%m/%Y}.")
    operation = enveloppe_de(le, [participant.plie_id])
    if operation is None:
        erreurs.append(f"Enveloppe : aucune enveloppe souple conventionnée ne couvre le {le:%d/%m/%Y}.")
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    aide = Aide(participant=participant, operation=operation, demandee_par=user, demandee_le=le, **propres)
    if devis is not None:
        aide.devis_type, contenu = _lire_fichier(devis, "Le devis")
        aide.devis_nom = _ranger(aide.devis, devis, contenu, f"devis-{operation.code}")
    _enregistrer(aide, aide.devis, aide.save)
    return aide


def aide_completer(*, aide: Aide, user, donnees: dict, devis=None) -> Aide:
    """Le référent complète la demande (montant, justification, devis) puis la renvoie à l'équipe d'animation."""
    _exiger(aide, "completer", user)
    erreurs = []
    propres = _valider_demande({**{c: getattr(aide, c) for c in CHAMPS_DE_LA_DEMANDE}, **donnees}, erreurs)
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    for champ, valeur in propres.items():
        setattr(aide, champ, valeur)
    nouveau = None
    if devis is not None:
        aide.devis_type, contenu = _lire_fichier(devis, "Le devis")
        aide.devis_nom = _ranger(aide.devis, devis, contenu, f"devis-{aide.operation.code}")
        nouveau = aide.devis
    _enregistrer(aide, nouveau, lambda: tirer_transition(objet=aide, nom="completer", user=user,
                                                         motivation=donnees.get("motivation", "")))
    return aide


def _verrouiller_l_enveloppe(aide: Aide) -> None:
    """Verrouille la ligne de l'opération : deux accords sur la même enveloppe passent l'un après l'autre."""
    aide.operation = Operation.objects.select_for_update().get(pk=aide.operation_id)


def aide_accorder(*, aide: Aide, user, montant, motivation: str = "", le: date | None = None) -> Aide:
    """L'équipe d'animation accorde l'aide, au plus au montant demandé, dans le reste de l'enveloppe."""
    erreurs = []
    valeur = _montant(montant, "Montant accordé", erreurs)
    if valeur is None and not erreurs:
        erreurs.append("Montant accordé : saisissez le montant accordé.")
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    with transaction.atomic():
        _verrouiller_l_enveloppe(aide)
        aide.montant_accorde, aide.decidee_le, aide.decidee_par = valeur, le or timezone.localdate(), user
        aide.motivation = (motivation or "").strip()
        tirer_transition(objet=aide, nom="accorder", user=user, motivation=aide.motivation)
    return aide


def aide_transition(*, aide: Aide, nom: str, user, motivation: str = "", le: date | None = None) -> Aide:
    """Refuser, demander un complément, renvoyer la demande complétée, annuler (la motivation est exigée par la
    transition quand elle l'est). Un refus est une décision : sa date, son auteur, sa motivation sont gardés."""
    if nom in ("accorder", "payer"):
        raise ActionRefusee("Cette action se fait par son formulaire, sur la page de l'aide.")
    with transaction.atomic():
        if nom == "refuser":
            aide.decidee_le, aide.decidee_par, aide.motivation = le or timezone.localdate(), user, (motivation or "").strip()
        tirer_transition(objet=aide, nom=nom, user=user, motivation=motivation)
    return aide


def aide_payer(*, aide: Aide, user, montant, le: date | None, beneficiaire: str, facture) -> Aide:
    """Le paiement (date, montant au plus accordé, bénéficiaire) avec sa facture, contrôlée sur son contenu."""
    _exiger(aide, "payer", user)
    erreurs = []
    valeur = _montant(montant, "Montant payé", erreurs)
    if valeur is None and not erreurs:
        erreurs.append("Montant payé : saisissez le montant payé.")
    elif valeur is not None and aide.montant_accorde is not None and valeur > aide.montant_accorde:
        erreurs.append(f"Montant payé : au plus le montant accordé ({euros(aide.montant_accorde)}).")
    if le is None:
        erreurs.append("Date du paiement : saisissez-la (jj/mm/aaaa).")
    elif le > timezone.localdate():
        erreurs.append("Date du paiement : elle ne peut pas être dans le futur.")
    elif aide.decidee_le and le < aide.decidee_le:
        erreurs.append(f"Date du paiement : elle précède l'accord du {aide.decidee_le:%d/%m/%Y}.")
    if not (beneficiaire or "").strip():
        erreurs.append("Bénéficiaire du paiement : qui reçoit le virement (crèche, auto-école, participant...).")
    if facture is None:
        erreurs.append("Facture : joignez la facture acquittée (PDF ou image).")
    if erreurs:
        raise ActionRefusee(" ".join(erreurs))
    type_mime, contenu = _lire_fichier(facture, "La facture")
    aide.montant_paye, aide.payee_le, aide.payee_par = valeur, le, user
    aide.beneficiaire_paiement = beneficiaire.strip()[:200]
    aide.facture_type, aide.facture_taille = type_mime, len(contenu)
    aide.facture_empreinte = hashlib.sha256(contenu).hexdigest()
    aide.facture_nom = _ranger(aide.facture, facture, contenu, f"facture-{aide.operation.code}")
    _enregistrer(aide, aide.facture, lambda: tirer_transition(objet=aide, nom="payer", user=user))
    return aide


def reste_apres(aide: Aide) -> str:
    """Pour les messages : ce qui reste sur l'enveloppe une fois l'aide comptée."""
    return message_du_reste(aide.operation, reste(aide.operation))


