"""La complétude des données FSE des participants (questionnaires d'entrée et de sortie, coordonnées) : des données
manquantes entraînent des corrections financières au contrôle. Par structure du référent et par référent : combien de
fiches complètes, et quels champs manquent, pour qui. Par opération : la part des fiches sans contact, comparée aux
seuils du programme de l'opération.

« Ne souhaite pas répondre » est une réponse : la fiche n'est pas incomplète pour autant (et l'indicateur ne la compte
pas). Une réponse conditionnelle (études ou formation d'une personne inactive, situation à la sortie d'une personne
sortie) ne manque que si la condition est remplie.
"""
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, IntegerField, Q, Value, When

from annuaire.formats import pluriel, pourcentage

from .models import Participant
from .options import SituationEntree
from .participations import participations

# Sans téléphone, courriel ni coordonnées d'un contact désigné : la fiche ne permet pas l'enquête à six mois.
SANS_CONTACT = Q(telephone="", courriel="", contact_telephone="", contact_courriel="")


def _vide(champ: str) -> Q:
    return Q(**{champ: ""})


def _inconnu(champ: str) -> Q:
    return Q(**{f"{champ}__isnull": True})


# Chaque réponse attendue par « Ma Démarche FSE » : (libellé, condition SQL où elle manque).
MANQUES = {
    "situation_entree": ("situation à l'entrée", _vide("situation_entree")),
    "etudes_ou_formation": ("études ou formation (personne inactive)",
                            Q(situation_entree=SituationEntree.INACTIF) & _inconnu("etudes_ou_formation")),
    "niveau_formation": ("niveau de formation", _vide("niveau_formation")),
    "beneficiaire_rsa": ("RSA", _inconnu("beneficiaire_rsa")),
    "rqth": ("handicap", _vide("rqth")),
    "menage_sans_emploi": ("ménage sans emploi", _inconnu("menage_sans_emploi")),
    "enfants_a_charge": ("enfants à charge", _inconnu("enfants_a_charge")),
    "parent_isole": ("parent isolé", _inconnu("parent_isole")),
    "sans_domicile": ("sans domicile", _inconnu("sans_domicile")),
    "ressortissant_pays_tiers": ("ressortissant d'un pays tiers", _inconnu("ressortissant_pays_tiers")),
    "origine_etrangere": ("origine étrangère", _vide("origine_etrangere")),
    "minorite": ("minorité", _vide("minorite")),
    "autre_defavorise": ("autre désavantage", _vide("autre_defavorise")),
    "zone_rurale": ("zone rurale", _inconnu("zone_rurale")),
    "situation_sortie": ("situation à la sortie", Q(date_sortie__isnull=False) & _vide("situation_sortie")),
    "qualification_obtenue": ("qualification obtenue",
                              Q(date_sortie__isnull=False) & _inconnu("qualification_obtenue")),
    "coordonnees": ("coordonnées (téléphone, courriel ou contact désigné)", SANS_CONTACT),
}
CHAMPS_FSE = {cle: libelle for cle, (libelle, _) in MANQUES.items()}


def manque(champ: str) -> Q:
    return MANQUES[champ][1]


INCOMPLET = Q()
for _libelle, _condition in MANQUES.values():
    INCOMPLET |= _condition


def completude(participants, par: str) -> list[dict]:
    """Une ligne par valeur de `par` (structure du référent, référent) : total, complets, part, manques par champ."""
    lignes = participants.values(par).annotate(
        total=Count("pk"), incomplets=Count("pk", filter=INCOMPLET),
        **{f"manque_{c}": Count("pk", filter=manque(c)) for c in MANQUES},
    ).order_by("-incomplets")
    return [{**ligne, "complets": ligne["total"] - ligne["incomplets"],
             "part": (ligne["total"] - ligne["incomplets"]) / ligne["total"] if ligne["total"] else None,
             "manques": [(CHAMPS_FSE[c], ligne[f"manque_{c}"]) for c in MANQUES if ligne[f"manque_{c}"]]}
            for ligne in lignes]


def incomplets(participants):
    """Les fiches incomplètes, chacune annotée de ce qui lui manque (pour `champs_manquants`, sans requête de plus) et
    du nombre de ses manques (`nb_manques`, pour trier les plus incomplètes d'abord)."""
    nombre = sum((Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
                  for _, condition in MANQUES.values()), Value(0))
    return participants.filter(INCOMPLET).annotate(nb_manques=nombre, **{
        f"manque_{c}": Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        for c, (_, condition) in MANQUES.items()})


def champs_manquants(participant: Participant) -> list[str]:
    """Les libellés des réponses qui manquent à la fiche (lus des annotations d'`incomplets`, sinon une requête)."""
    if not hasattr(participant, "manque_coordonnees"):
        participant = incomplets(Participant.objects.filter(pk=participant.pk)).first()
        if participant is None:
            return []
    return [libelle for cle, libelle in CHAMPS_FSE.items() if getattr(participant, f"manque_{cle}")]


def completude_par_operation(operations, participants) -> list[dict]:
    """Une ligne par opération en réalisation : ses participants au sens du FSE (voir participations) parmi
    `participants`, complets ou non."""
    lignes = []
    for operation in operations:
        les_siens = participations(operation).filter(pk__in=participants.values("pk")).annotate(tout=Value(1))
        (ligne,) = completude(les_siens, "tout") or [{"total": 0, "complets": 0, "part": None, "manques": []}]
        lignes.append({**ligne, "operation": operation})
    return [ligne for ligne in lignes if ligne["total"]]


ALERTE, CORRECTION = "alerte", "correction"


def sans_contact(operation, *, au=None) -> dict:
    """La part des participants de l'opération (tous, au sens du FSE) sans téléphone, courriel ni contact désigné,
    comparée aux seuils de son programme : `niveau` vaut "correction" au-delà du seuil de correction (une correction
    financière est possible au contrôle final), "alerte" dès le seuil d'alerte, "" en deçà. Comparaison exacte en
    entiers (sans arrondi) : au-delà de 35 % sur 20 participants, c'est 8 fiches (7/20 = 35 % n'est pas au-delà)."""
    comptes = participations(operation, au=au).aggregate(total=Count("pk"), sans=Count("pk", filter=SANS_CONTACT))
    total, sans = comptes["total"], comptes["sans"]
    programme = operation.programme
    niveau = ""
    if total and sans > programme.seuil_contacts_incomplets * total:
        niveau = CORRECTION
    elif total and sans >= programme.seuil_alerte_contacts * total:
        niveau = ALERTE
    return {"operation": operation, "programme": programme, "total": total, "sans_contact": sans,
            "part": Decimal(sans) / Decimal(total) if total else None, "niveau": niveau,
            "seuil_alerte": programme.seuil_alerte_contacts, "seuil_correction": programme.seuil_contacts_incomplets}


def message_contacts(contacts: dict) -> str:
    """La phrase du contrôle qualité (page et commande) : les fiches sans contact et ce qu'en disent les seuils."""
    total, sans, programme = contacts["total"], contacts["sans_contact"], contacts["programme"]
    if not total:
        return ""
    phrase = (f"{sans} fiche{pluriel(sans)} sans téléphone, courriel ni contact désigné sur {total} "
              f"({pourcentage(contacts['part'])})")
    correction = pourcentage(contacts["seuil_correction"], 0)
    if contacts["niveau"] == CORRECTION:
        return (f"{phrase} : dépasse le seuil de {correction} du programme {programme.libelle}, une correction "
                "financière peut être appliquée au contrôle final. Complétez les coordonnées avant l'export.")
    if contacts["niveau"] == ALERTE:
        return (f"{phrase} : seuil d'alerte du programme {programme.libelle} "
                f"({pourcentage(contacts['seuil_alerte'], 0)}) atteint ; au-delà de {correction}, une correction "
                "financière peut être appliquée au contrôle final.")
    return f"{phrase}."
