"""Lire les aides de l'enveloppe souple : ce qui reste sur chaque enveloppe, les chiffres du rapport d'activité, ce que
le bureau de chacun montre, les liens des fiches."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from annuaire.plies import des_plie
from annuaire.roles import Role, roles_de
from operations.bureau import Rubrique, Tache
from operations.models import Operation

from .aides import EQUIPE, TYPE_ENVELOPPE, Aide, budget, engage
from .options import EtatAide, MotifAide, NatureAide

ZERO = Decimal(0)
LIMITE_DU_BUREAU = 20


def etat_de_l_enveloppe(operation: Operation) -> dict:
    """Budget, engagé (accordé non payé + payé) et reste, pour la page d'une aide et pour la liste."""
    total, pris = budget(operation), engage(operation)
    return {"operation": operation, "budget": total, "engage": pris, "reste": total - pris}


def etats_des_enveloppes(operation_ids) -> dict[int, dict]:
    return {o.pk: etat_de_l_enveloppe(o) for o in Operation.objects.filter(pk__in=set(operation_ids))}


def _part(valeur: Decimal, total: Decimal) -> float:
    return float((valeur / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) if total else 0.0


def enveloppe_du_rapport(debut: date, fin: date, plies: list[int] | None = None) -> dict:
    """La partie `enveloppe_souple` du rapport d'activité (docs/specs : « Enveloppe souple ») des PLIE `plies`, en une
    requête : chaque chiffre est un agrégat filtré (`FILTER`) sur les aides des PLIE."""
    traitee = Q(decidee_le__range=(debut, fin),
                etat__in=[EtatAide.ACCORDEE, EtatAide.REFUSEE, EtatAide.PAYEE, EtatAide.ANNULEE])
    payee = Q(etat=EtatAide.PAYEE, payee_le__range=(debut, fin))
    chiffres = des_plie(Aide.objects.all(), plies).aggregate(
        traitees=Count("pk", filter=traitee),
        aides=Count("participant", distinct=True, filter=payee),
        **{sexe: Count("participant", distinct=True, filter=payee & Q(participant__sexe=sexe)) for sexe in ("H", "F")},
        total=Sum("montant_paye", filter=payee),
        garde=Sum("montant_paye", filter=payee & Q(nature=NatureAide.GARDE_ENFANTS)),
        **{f"motif_{m}": Sum("montant_paye", filter=payee & Q(motif=m)) for m in MotifAide.values})
    total = chiffres["total"] or ZERO
    return {
        "demandes_traitees": chiffres["traitees"],
        "participants_aides": {"total": chiffres["aides"], "H": chiffres["H"], "F": chiffres["F"]},
        "montant_total": f"{total.quantize(Decimal('0.01'))}",
        "repartition_par_motif": {m: _part(chiffres[f"motif_{m}"] or ZERO, total) for m in MotifAide.values},
        "part_garde_enfants": _part(chiffres["garde"] or ZERO, total),
    }


# --- Le bureau (operations.bureau) et les fiches ---

def rubriques_des_aides(user, aujourdhui: date) -> list[Rubrique]:
    """L'animation : les aides à décider, puis celles accordées à payer ; le référent : les compléments demandés."""
    roles, rubriques = roles_de(user), []
    aides = Aide.objects.visible_to(user).select_related("participant").only(
        "pk", "etat", "nature", "demandee_le", "decidee_le", "modifie_le", "participant__nom", "participant__prenom")
    if Role.ANIMATION in roles:
        a_decider = aides.filter(etat=EtatAide.DEMANDEE).order_by("demandee_le", "pk")
        rubriques.append(Rubrique("Aides de l'enveloppe souple à décider", [
            Tache(f"Aide n° {a.pk} — {a.get_nature_display()}", "Accorder, refuser ou demander un complément",
                  a.get_absolute_url(), depuis=a.demandee_le) for a in a_decider[:LIMITE_DU_BUREAU]],
            total=a_decider.count(), tout_voir=reverse("justificatifs:aides") + "?etat=demandee", ordre=20))
        a_payer = aides.filter(etat=EtatAide.ACCORDEE).order_by("decidee_le", "pk")
        rubriques.append(Rubrique("Aides accordées à payer", [
            Tache(f"Aide n° {a.pk} — {a.get_nature_display()}", "Enregistrer le paiement et sa facture",
                  a.get_absolute_url() + "#paiement", depuis=a.decidee_le) for a in a_payer[:LIMITE_DU_BUREAU]],
            total=a_payer.count(), tout_voir=reverse("justificatifs:aides") + "?etat=accordee", ordre=21))
    if Role.REFERENT in roles:
        completer = aides.filter(etat=EtatAide.COMPLEMENT_DEMANDE).order_by("modifie_le", "pk")
        rubriques.append(Rubrique("Aides : compléments demandés", [
            Tache(f"Aide n° {a.pk} — {a.get_nature_display()}", "Compléter et renvoyer la demande",
                  a.get_absolute_url() + "#completer", depuis=a.modifie_le.date()) for a in completer],
            ordre=22, aide="L'équipe d'animation attend un complément avant de décider."))
    return rubriques


def liens_de_l_enveloppe(operation: Operation, user) -> list[tuple[str, str]]:
    """Sur la fiche d'une opération d'enveloppe souple : ses aides (l'équipe du PLIE et les référents)."""
    if not operation.type_id or operation.type.code != TYPE_ENVELOPPE or not roles_de(user) & (EQUIPE | {Role.REFERENT}):
        return []
    return [("Aides de l'enveloppe souple", reverse("justificatifs:aides") + f"?enveloppe={operation.code}")]


def liens_du_participant(participant, user) -> list[tuple[str, str]]:
    """Sur la fiche d'un participant : ses aides, et la demande d'une nouvelle pour son référent."""
    liens = []
    nombre = Aide.objects.visible_to(user).filter(participant=participant).count()
    if nombre:
        liens.append((f"Aides de l'enveloppe souple ({nombre})", reverse("justificatifs:aides") + f"?participant={participant.pk}"))
    if Role.REFERENT in roles_de(user) and user.structure_id == participant.structure_referent_id:
        liens.append(("Demander une aide de l'enveloppe souple",
                      reverse("justificatifs:demander_aide") + f"?participant={participant.pk}"))
    return liens


def filtrer(aides, donnees) -> tuple:
    """Les filtres de la liste : état, motif, nature, année (de la demande), enveloppe, participant, recherche."""
    from annuaire.recherche import contient

    filtres = {"etat": donnees.get("etat", ""), "motif": donnees.get("motif", ""), "nature": donnees.get("nature", ""),
               "annee": donnees.get("annee", ""), "q": donnees.get("q", "").strip(),
               "enveloppe": donnees.get("enveloppe", ""), "participant": donnees.get("participant", "")}
    if filtres["etat"] in EtatAide.values:
        aides = aides.filter(etat=filtres["etat"])
    if filtres["motif"] in MotifAide.values:
        aides = aides.filter(motif=filtres["motif"])
    if filtres["nature"] in NatureAide.values:
        aides = aides.filter(nature=filtres["nature"])
    if filtres["annee"].isdigit():
        aides = aides.filter(demandee_le__year=int(filtres["annee"]))
    if filtres["enveloppe"]:
        aides = aides.filter(operation__code=filtres["enveloppe"])
    if filtres["participant"].isdigit():
        aides = aides.filter(participant_id=int(filtres["participant"]))
    if filtres["q"]:
        condition = contient(["participant__nom", "participant__prenom", "participant__identifiant",
                              "beneficiaire_paiement"], filtres["q"])
        if filtres["q"].isdigit():  # le numéro de l'aide
            condition |= Q(pk=int(filtres["q"]))
        aides = aides.filter(condition)
    return aides, filtres


def annees_des_aides(user) -> list[int]:
    return sorted({d.year for d in Aide.objects.visible_to(user).dates("demandee_le", "year")}, reverse=True)
