"""La complétude des données FSE des participants (questionnaire d'entrée) : des données manquantes entraînent des
corrections financières au contrôle. Par structure du référent et par référent : combien de fiches complètes, et
quels champs manquent, pour qui."""
from django.db.models import Count, Q, Value

from .models import Participant

# Les réponses du questionnaire d'entrée attendues par « Ma Démarche FSE » ; None ou vide = manquante.
CHAMPS_FSE = {
    "situation_entree": "situation à l'entrée", "niveau_formation": "niveau de formation",
    "beneficiaire_rsa": "RSA", "rqth": "handicap (RQTH)", "menage_sans_emploi": "ménage sans emploi",
    "enfants_a_charge": "enfants à charge", "parent_isole": "parent isolé", "sans_domicile": "sans domicile",
}
TEXTES = {"situation_entree", "niveau_formation"}


def manque(champ: str) -> Q:
    return Q(**{champ: ""}) if champ in TEXTES else Q(**{f"{champ}__isnull": True})


INCOMPLET = Q()
for _champ in CHAMPS_FSE:
    INCOMPLET |= manque(_champ)


def completude(participants, par: str) -> list[dict]:
    """Une ligne par valeur de `par` (structure du référent, référent) : total, complets, part, manques par champ."""
    lignes = participants.values(par).annotate(
        total=Count("pk"), incomplets=Count("pk", filter=INCOMPLET),
        **{f"manque_{c}": Count("pk", filter=manque(c)) for c in CHAMPS_FSE},
    ).order_by("-incomplets")
    return [{**ligne, "complets": ligne["total"] - ligne["incomplets"],
             "part": (ligne["total"] - ligne["incomplets"]) / ligne["total"] if ligne["total"] else None,
             "manques": [(CHAMPS_FSE[c], ligne[f"manque_{c}"]) for c in CHAMPS_FSE if ligne[f"manque_{c}"]]}
            for ligne in lignes]


def incomplets(participants):
    return participants.filter(INCOMPLET)


def champs_manquants(participant: Participant) -> list[str]:
    return [libelle for champ, libelle in CHAMPS_FSE.items()
            if (getattr(participant, champ) == "" if champ in TEXTES else getattr(participant, champ) is None)]


def completude_par_operation(operations, participants) -> list[dict]:
    """Une ligne par opération en réalisation : ses participants (voir realisation), complets ou non."""
    from .realisation import population

    lignes = []
    for operation in operations:
        (ligne,) = completude(population(operation).filter(pk__in=participants.values("pk")).annotate(tout=Value(1)),
                              "tout") or [{"total": 0, "complets": 0, "part": None, "manques": []}]
        lignes.append({**ligne, "operation": operation})
    return [ligne for ligne in lignes if ligne["total"]]
