"""Les réponses des participants de la démonstration au questionnaire FSE (ce qu'aucun tableau du rapport 2016 ne
compte : origine, minorité, pays tiers, autre désavantage, zone rurale, études ou formation, situation et qualification
à la sortie) et leurs coordonnées. Tirées avec leur propre graine, après les participants et leurs étapes : les tirages
de `participants.py` (qui redonnent les tableaux 2016) ne changent pas.

Les fiches sans contact sont rares (quelques pour cent), sauf chez deux structures où elles approchent un quart : leurs
portages 2016 passent le seuil d'alerte de leur programme (20 %), aucune opération ne dépasse le seuil de correction
(35 %) : `verifier_les_contacts` le garantit, opération par opération, en donnant un téléphone aux fiches qu'il faut.
"""
import random

from operations.models import Operation
from participants.completude import CORRECTION, SANS_CONTACT, sans_contact
from participants.models import Participant
from participants.options import CategorieSortie, Reponse, SituationEntree, SituationSortie
from participants.participations import participations
from participants.realisation import ETATS_REALISES

from .lecture import lire

_Q = lire("participants")["questionnaire"]
GRAINE = _Q["graine"]
# Part des fiches sans aucun contact, par structure du référent (les autres : PART_SANS_CONTACT).
PARTS_SANS_CONTACT, PART_SANS_CONTACT = _Q["parts_sans_contact"], _Q["part_sans_contact"]
# Les communes peu denses de la métropole (démonstration : la grille de l'Insee fait foi en production).
COMMUNES_RURALES = set(_Q["communes_rurales"])
SORTIES = {CategorieSortie.EMPLOI: SituationSortie.EMPLOI, CategorieSortie.EMPLOI_AIDE: SituationSortie.EMPLOI,
           CategorieSortie.FORMATION_QUALIFIANTE: SituationSortie.FORMATION}
INACTIFS_A_LA_SORTIE = {"SANTE", "MATERNITE", "RETRAITE", "DECES"}
PROCHES = _Q["proches"]
PLAFOND = _Q["plafond"]  # ce que `verifier_les_contacts` vise pour une opération qui dépasserait le seuil de correction


def _reponse(hasard: random.Random, oui: float, refus: float) -> str:
    tirage = hasard.random()
    return Reponse.OUI if tirage < oui else Reponse.REFUS if tirage < oui + refus else Reponse.NON


def _telephone(hasard: random.Random) -> str:
    return "0" + hasard.choice("67") + "".join(f" {hasard.randint(0, 99):02d}" for _ in range(4))


def _coordonnees(hasard: random.Random, participant: Participant, joignable: bool) -> dict:
    aucune = {"telephone": "", "courriel": "", "contact_nom": "", "contact_telephone": "", "contact_courriel": ""}
    if not joignable:
        return aucune
    if hasard.random() < 0.12:  # pas de téléphone à lui : celui d'un proche qu'il désigne
        return {**aucune, "contact_nom": hasard.choice(PROCHES), "contact_telephone": _telephone(hasard)}
    courriel = f"{participant.identifiant.lower()}@exemple.fr" if hasard.random() < 0.45 else ""
    return {**aucune, "telephone": _telephone(hasard), "courriel": courriel}


def completer_questionnaires() -> int:
    """Donne à chaque participant ses réponses et ses coordonnées ; rend le nombre de fiches sans contact."""
    hasard = random.Random(GRAINE)
    participants = list(Participant.objects.select_related("commune", "motif_sortie", "structure_referent")
                        .order_by("identifiant"))
    par_structure, sans = {}, set()
    for p in participants:
        par_structure.setdefault(p.structure_referent.nom if p.structure_referent else "", []).append(p)
    for nom, membres in sorted(par_structure.items()):
        part = PARTS_SANS_CONTACT.get(nom, PART_SANS_CONTACT)
        sans.update(p.pk for p in hasard.sample(membres, round(len(membres) * part)))
    champs = set()
    for p in participants:
        reponses = {
            "etudes_ou_formation": hasard.random() < 0.15 if p.situation_entree == SituationEntree.INACTIF else None,
            "ressortissant_pays_tiers": hasard.random() < 0.12,
            "origine_etrangere": _reponse(hasard, 0.22, 0.08),
            "minorite": _reponse(hasard, 0.02, 0.08),
            "autre_defavorise": _reponse(hasard, 0.10, 0.05),
            "zone_rurale": p.commune.nom in COMMUNES_RURALES,
            **_coordonnees(hasard, p, joignable=p.pk not in sans),
        }
        if p.rqth == Reponse.NON and hasard.random() < 0.03:
            reponses["rqth"] = Reponse.REFUS
        if p.date_sortie:
            categorie = p.motif_sortie.categorie
            inactif = p.motif_sortie.code in INACTIFS_A_LA_SORTIE
            reponses["situation_sortie"] = SORTIES.get(categorie) or (
                SituationSortie.INACTIF if inactif else SituationSortie.RECHERCHE_EMPLOI)
            qualifiante = categorie == CategorieSortie.FORMATION_QUALIFIANTE
            reponses["qualification_obtenue"] = hasard.random() < (0.35 if qualifiante else 0.08)
        for champ, valeur in reponses.items():
            setattr(p, champ, valeur)
        champs.update(reponses)
    Participant.objects.bulk_update(participants, sorted(champs), batch_size=500)
    verifier_les_contacts(hasard)
    return Participant.objects.filter(SANS_CONTACT).count()


def verifier_les_contacts(hasard: random.Random) -> None:
    """Aucune opération réalisée au-delà de son seuil de correction : un téléphone aux fiches qu'il faut."""
    for operation in Operation.objects.filter(etat__in=ETATS_REALISES).select_related("type", "programme"):
        contacts = sans_contact(operation)
        if contacts["niveau"] != CORRECTION:
            continue
        a_joindre = contacts["sans_contact"] - int(PLAFOND * contacts["total"])
        injoignables = participations(operation).filter(SANS_CONTACT).order_by("identifiant")
        for pk in injoignables.values_list("pk", flat=True)[:a_joindre]:
            Participant.objects.filter(pk=pk).update(telephone=_telephone(hasard))
