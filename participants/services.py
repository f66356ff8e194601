"""Écritures du parcours : proposer une sortie, la décider en commission (toutes les décisions d'une séance ensemble)."""
import logging
import uuid
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.functions import TruncYear
from django_fsm_log.models import StateLog

from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import ROLES_DE_STRUCTURE, Role, roles_de
from operations.workflow import ActionRefusee, tirer_transition

from .criteres import preuve_de_sortie
from .models import Consultation, Etape, EtatProposition, MotifSortie, Participant, PropositionSortie
from .options import StatutEntree

logger = logging.getLogger(__name__)


class ChampRefuse(ActionRefusee):
    """Un refus dû à un champ du formulaire, que la page montre sur ce champ (`champ`), nommé dans le message."""

    def __init__(self, champ: str, libelle: str, raison: str):
        self.champ, self.raison = champ, raison
        super().__init__(f"{libelle} : {raison}")


def sortie_proposer(*, participant: Participant, motif: MotifSortie, date_sortie: date, justification: str,
                    user, motivation_derogation: str = "") -> PropositionSortie:
    """Une sortie positive se prouve par le critère qui définit son motif, rempli à la date de sortie ; sinon elle
    n'est proposée qu'en dérogation, motivée. La preuve (ou son absence) est figée sur la proposition."""
    roles = roles_de(user)
    de_la_structure = roles & ROLES_DE_STRUCTURE and user.structure_id == participant.structure_referent_id
    if not (Role.ANIMATION in roles or (Role.REFERENT in roles and de_la_structure)):
        raise ActionRefusee("Seuls le référent du participant et l'équipe d'animation proposent une sortie.")
    if participant.date_sortie is not None:
        raise ActionRefusee(f"{participant} est déjà sorti(e) le {participant.date_sortie:%d/%m/%Y}.")
    if date_sortie < participant.date_entree:
        raise ActionRefusee("La date de sortie proposée précède l'entrée dans le PLIE.")
    if participant.propositions_sortie.filter(etat=EtatProposition.PROPOSEE).exists():
        raise ActionRefusee("Une sortie est déjà proposée pour ce participant : la commission ne l'a pas encore examinée.")
    preuve = preuve_de_sortie(participant, motif.code, date_sortie) if motif.positive else None
    if motif.positive and preuve is None:
        raise ActionRefusee(f"Le motif « {motif} » est une sortie positive qu'aucun critère ne définit : "
                            "complétez le référentiel des critères de sortie avant de le proposer.")
    derogation = preuve is not None and not preuve.remplie
    motivation = (motivation_derogation or "").strip() if derogation else ""
    if derogation and not motivation:
        raise ChampRefuse("motivation_derogation", "Motivation de la dérogation",
                          f"le critère « {preuve.critere} » n'est pas rempli au {preuve.au:%d/%m/%Y} : la sortie ne "
                          "peut être proposée qu'en dérogation, motivée pour la commission de sortie.")
    return PropositionSortie.objects.create(
        participant=participant, motif=motif, date_sortie=date_sortie, justification=(justification or "").strip(),
        preuve=preuve.en_json() if preuve else None, derogation=derogation, motivation_derogation=motivation,
        proposee_par=user)


def motivation_manquante(proposition: PropositionSortie, decision: str, motivation: str) -> str | None:
    """Ce qui manque pour décider : un refus est motivé, la validation d'une dérogation aussi."""
    if (motivation or "").strip():
        return None
    if decision == "refuser":
        return f"{proposition.participant} : la motivation est obligatoire pour refuser une sortie."
    if decision == "valider" and proposition.derogation:
        return (f"{proposition.participant} : la motivation de la commission est obligatoire pour valider une sortie "
                "en dérogation (critère non rempli).")
    return None


def commission_de_sortie(*, decisions: list[tuple[PropositionSortie, str, str]], user) -> int:
    """Chaque (proposition, "valider" ou "refuser", motivation) ; tout ou rien. Une sortie validée fait sortir le
    participant à la date et pour le motif proposés ; valider une dérogation exige la motivation de la commission."""
    with transaction.atomic():
        for proposition, nom, motivation in decisions:
            manque = motivation_manquante(proposition, nom, motivation)
            if manque and nom == "valider":
                raise ActionRefusee(manque)
            tirer_transition(objet=proposition, nom=nom, user=user, motivation=motivation)
            if nom == "valider":
                Participant.objects.filter(pk=proposition.participant_id).update(
                    date_sortie=proposition.date_sortie, motif_sortie=proposition.motif)
    return len(decisions)


def participant_orienter(*, user, **champs) -> Participant:
    """Une personne orientée vers le PLIE, saisie par le référent ou l'équipe d'animation ; elle n'est comptée qu'une
    fois son entrée validée par la commission. Son identifiant est attribué ici (`PLIE-000123`)."""
    roles = roles_de(user)
    if not roles & {Role.ANIMATION, Role.REFERENT}:
        raise ActionRefusee("Seuls les référents et l'équipe d'animation orientent une personne vers le PLIE.")
    if Role.ANIMATION not in roles:
        champs["structure_referent_id"] = user.structure_id  # un référent oriente vers sa propre structure
        champs.setdefault("referent", user)
    plie = plie_courant(user)  # la personne est orientée vers le PLIE où travaille qui l'oriente
    if plie is None:
        raise ActionRefusee(CHOISIR_UN_PLIE)
    with transaction.atomic():
        # L'identifiant lisible dépend de la clé : une valeur provisoire unique, remplacée aussitôt.
        participant = Participant.objects.create(plie=plie, identifiant=f"ORIENTATION-{uuid.uuid4().hex}",
                                                 statut_entree=StatutEntree.ORIENTE, **champs)
        participant.identifiant = f"PLIE-{participant.pk:06d}"
        participant.save(update_fields=["identifiant"])
    return participant


def commission_d_entree(*, decisions: list[tuple[Participant, str, str]], user) -> int:
    """Chaque (participant orienté, "valider" ou "refuser", motif) ; tout ou rien ; un refus est motivé. Chaque
    décision tire la transition de l'entrée (`valider_entree`, `refuser_entree`) et laisse sa ligne d'historique."""
    if Role.ANIMATION not in roles_de(user):
        raise ActionRefusee("La commission d'entrée est tenue par l'équipe d'animation.")
    with transaction.atomic():
        for participant, decision, motif in decisions:
            courant = Participant.objects.select_for_update().get(pk=participant.pk)
            if courant.statut_entree != StatutEntree.ORIENTE:
                raise ActionRefusee(f"{courant} n'est plus en attente de la commission d'entrée.")
            motif = (motif or "").strip()
            if decision == "refuser" and not motif:
                raise ActionRefusee(f"{courant} : le motif est obligatoire pour refuser une entrée.")
            if decision == "refuser":
                courant.motif_refus_entree = motif
            tirer_transition(objet=courant, nom=f"{decision}_entree", user=user,
                             motivation=motif if decision == "refuser" else "")
    return len(decisions)


def peut_suivre(participant: Participant, user) -> bool:
    """Le référent (de la structure qui suit le participant) et l'équipe d'animation tiennent sa fiche et ses étapes."""
    roles = roles_de(user)
    return Role.ANIMATION in roles or (Role.REFERENT in roles and user.structure_id == participant.structure_referent_id)


def participant_modifier(*, participant: Participant, user, champs: dict) -> Participant:
    if not peut_suivre(participant, user):
        raise ActionRefusee("Seuls le référent du participant et l'équipe d'animation modifient sa fiche.")
    for nom, valeur in champs.items():
        setattr(participant, nom, valeur)
    participant.save()
    return participant


def etape_ajouter(*, participant: Participant, user, **champs) -> Etape:
    """Une étape du parcours, qui doit tenir dans le parcours (entre l'entrée et la sortie)."""
    if not peut_suivre(participant, user):
        raise ActionRefusee("Seuls le référent du participant et l'équipe d'animation saisissent ses étapes.")
    debut, fin = champs["date_debut"], champs.get("date_fin")
    if debut < participant.date_entree or (participant.date_sortie and debut > participant.date_sortie):
        raise ActionRefusee(f"L'étape commence le {debut:%d/%m/%Y}, hors du parcours du participant (entré le "
                            f"{participant.date_entree:%d/%m/%Y}"
                            + (f", sorti le {participant.date_sortie:%d/%m/%Y}" if participant.date_sortie else "") + ").")
    if fin and fin < debut:
        raise ActionRefusee("La fin de l'étape précède son début.")
    if Etape.objects.filter(participant=participant, type=champs["type"], date_debut=debut).exists():
        raise ActionRefusee("Cette étape (même type, même début) est déjà enregistrée.")
    return Etape.objects.create(participant=participant, **champs)


def participants_a_anonymiser(sortis_avant: date):
    """Ceux dont la durée de conservation est échue : sortis avant la date, pas encore anonymisés."""
    return Participant.objects.filter(date_sortie__lt=sortis_avant).exclude(nom=ANONYME)


ANONYME = "Anonymisé"


def participants_anonymiser(*, sortis_avant: date) -> int:
    """Efface l'identité, les coordonnées (du participant et de son contact désigné), les données sensibles (RSA,
    handicap, logement, nationalité, origine, minorité, autre désavantage) des participants sortis avant la date et les
    textes libres de leurs propositions de sortie, en gardant ce que comptent les rapports (sexe, année de naissance,
    commune, dates, motif, étapes). Seule la date de naissance est ramenée au 1er janvier : une personne peut changer
    de tranche d'âge si elle est entrée dans l'année de ses 25, 45, 55 ans."""
    with transaction.atomic():
        a_traiter = participants_a_anonymiser(sortis_avant)
        ids = list(a_traiter.values_list("pk", flat=True))
        Participant.objects.filter(pk__in=ids).update(  # une seule requête, la base ramène la naissance au 1er janvier
            nom=ANONYME, prenom="", referent_texte="", date_naissance=TruncYear("date_naissance"),
            beneficiaire_rsa=None, rqth="", sans_domicile=None, ressortissant_pays_tiers=None, origine_etrangere="",
            minorite="", autre_defavorise="", telephone="", courriel="", contact_nom="", contact_telephone="",
            contact_courriel="", motif_refus_entree="")
        Etape.objects.filter(participant_id__in=ids).update(employeur="")
        Consultation.objects.filter(participant_id__in=ids).delete()
        # Le motif d'un refus d'entrée est aussi la motivation de sa ligne d'historique : un texte libre, effacé.
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Participant), object_id__in=ids,
                                description__gt="").update(description=ANONYME)
        # Textes libres des propositions de sortie (ils peuvent nommer la personne) ; la preuve, faite de dates et de
        # types d'étape, reste.
        propositions = PropositionSortie.objects.filter(participant_id__in=ids)
        propositions.update(justification="")
        propositions.filter(derogation=True).update(motivation_derogation=ANONYME)
    return len(ids)


def etape_supprimer(*, etape: Etape, user) -> None:
    """Retirer une étape saisie par erreur ; la suppression est journalisée (qui, quelle étape), sans donnée nominative."""
    if not peut_suivre(etape.participant, user):
        raise ActionRefusee("Seuls le référent du participant et l'équipe d'animation retirent ses étapes.")
    logger.info("étape %s (%s du %s) du participant %s retirée par l'utilisateur %s",
                etape.pk, etape.type.code, etape.date_debut, etape.participant_id, user.pk)
    etape.delete()
