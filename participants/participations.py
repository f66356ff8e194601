"""Les participants d'une opération au sens du FSE, leurs dates dans l'opération, leur âge et leur situation à l'entrée,
et les indicateurs du programme de l'opération : tout est calculé par la base (annotations SQL), sans parcourir les
participants en Python (l'export de 20 000 participants se fait en quelques secondes, tests/bench/test_bench_mdfse.py).

Règles (règlement (UE) n° 1304/2013 et règlement (UE) 2021/1057, annexe I ; docs/regles-fse.md) :
- un participant compte une fois par opération, même s'il en sort puis y revient ;
- action : il entre dans l'opération au début de sa première étape rattachée à l'opération et en sort à la fin de la
  dernière ; tant qu'une de ces étapes est sans fin, il n'en est pas sorti (sauf l'opération achevée : il en sort à
  sa fin) ;
- portage de référents (les participants que suivent les référents de la structure porteuse) : il entre à la plus
  tardive de son entrée au PLIE et du début de l'opération ; il sort à sa sortie du PLIE si elle tombe pendant
  l'opération, sinon à la fin de l'opération une fois celle-ci achevée ;
- une personne présente un jour ou moins (sortie le jour même de son entrée) n'est pas un participant ;
- âge et situation sur le marché du travail sont ceux de l'entrée dans l'opération : l'âge à cette date ; la situation
  déclarée au questionnaire d'entrée, sauf une étape vers l'emploi commencée avant et toujours en cours (en emploi).
"""
from datetime import date

from django.db.models import Case, CharField, Count, DateField, Exists, F, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest, Least
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from operations.models import Operation
from operations.programmes import RegleInconnue

from .models import Etape, Participant
from .options import SituationEntree, Sexe
from .rapport import age_a_l_entree
from .realisation import PORTAGE

# Ce qu'un filtre d'indicateur (programmes.json) peut interroger : les réponses du questionnaire et ce que
# `participations` calcule. Rien d'autre (ni relations, ni identité) : le filtre vient d'une donnée modifiable.
DONNEES_DES_INDICATEURS = {
    "sexe", "age_entree_op", "situation_entree_op", "etudes_ou_formation", "niveau_formation", "beneficiaire_rsa",
    "rqth", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile", "ressortissant_pays_tiers",
    "origine_etrangere", "minorite", "autre_defavorise", "zone_rurale", "situation_sortie", "qualification_obtenue",
}
COMPARAISONS = {"exact", "in", "lt", "lte", "gt", "gte", "isnull"}
UN_PARMI, TOUS = "un_parmi", "tous"  # une liste de filtres dont l'un (ou tous) doit être vrai


def participations(operation: Operation, *, au: date | None = None):
    """Les participants de l'opération, une ligne chacun, annotés de `entree_op`, `sortie_op` (None : pas encore
    sorti), `age_entree_op` et `situation_entree_op`. `au` : la date du calcul (aujourd'hui par défaut)."""
    au = au or timezone.localdate()
    debut = Value(operation.date_debut, output_field=DateField())
    fin = Value(operation.date_fin, output_field=DateField())
    aucune = Value(None, output_field=DateField())
    fin_si_achevee = fin if operation.date_fin < au else aucune
    # Les participants du PLIE de l'opération seulement (celui de son porteur, une structure de ce PLIE).
    participants = Participant.objects.entres().filter(plie_id=operation.plie_id)
    if operation.type.code == PORTAGE:
        participants = (participants.filter(structure_referent_id=operation.porteur_id, date_entree__lte=operation.date_fin)
                        .exclude(date_sortie__lt=operation.date_debut))
        entree = Greatest("date_entree", debut)
        sortie = Case(When(date_sortie__lte=operation.date_fin, then="date_sortie"), default=fin_si_achevee)
    else:
        etapes = Etape.objects.filter(operation=operation, participant=OuterRef("pk"))
        groupees = etapes.order_by().values("participant")
        participants = participants.filter(Exists(etapes))
        entree = Greatest(Subquery(groupees.annotate(d=Min("date_debut")).values("d")), debut)
        sortie = Case(When(Exists(etapes.filter(date_fin__isnull=True)), then=fin_si_achevee),
                      default=Least(Subquery(groupees.annotate(f=Max("date_fin")).values("f")), fin))
    # Une fin d'étape encore à venir n'est pas une sortie.
    sortie = Case(When(LessThanOrEqual(sortie, Value(au, output_field=DateField())), then=sortie), default=aucune)
    emploi_en_cours = Exists(Etape.objects.filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=OuterRef("entree_op")),
        participant=OuterRef("pk"), type__vers_emploi=True, date_debut__lt=OuterRef("entree_op")))
    return (participants
            .annotate(entree_op=entree, sortie_op=sortie)
            .filter(Q(sortie_op__isnull=True) | Q(sortie_op__gt=F("entree_op")))
            .annotate(age_entree_op=age_a_l_entree("entree_op"),
                      situation_entree_op=Case(When(emploi_en_cours, then=Value(SituationEntree.EMPLOI.value)),
                                               default="situation_entree", output_field=CharField())))


def filtre_de(indicateur: dict) -> Q:
    """Le filtre d'un indicateur du programme (`{"situation_entree_op__in": ["DE", "DELD"]}`), en SQL ; les clés
    `un_parmi` et `tous` prennent une liste de filtres. Une donnée ou une comparaison inconnue lève RegleInconnue,
    qui nomme l'indicateur. Un indicateur de résultat ne compte que les participants sortis de l'opération."""
    code = indicateur.get("code", "?")

    def traduire(filtre) -> Q:
        if not isinstance(filtre, dict):
            raise RegleInconnue(f"Indicateur {code} : le filtre doit être un objet JSON, pas « {filtre} ».")
        condition = Q()
        for cle, valeur in filtre.items():
            if cle in (UN_PARMI, TOUS):
                if not isinstance(valeur, list) or not valeur:
                    raise RegleInconnue(f"Indicateur {code} : « {cle} » attend une liste de filtres.")
                parties = [traduire(f) for f in valeur]
                groupe = parties[0]
                for partie in parties[1:]:
                    groupe = groupe | partie if cle == UN_PARMI else groupe & partie
                condition &= groupe
                continue
            champ, _, comparaison = cle.partition("__")
            if champ not in DONNEES_DES_INDICATEURS:
                raise RegleInconnue(f"Indicateur {code} : « {champ} » n'est pas une donnée des participants "
                                    f"(possibles : {', '.join(sorted(DONNEES_DES_INDICATEURS))}).")
            if comparaison and comparaison not in COMPARAISONS:
                raise RegleInconnue(f"Indicateur {code} : la comparaison « {comparaison} » de « {cle} » est inconnue "
                                    f"(possibles : {', '.join(sorted(COMPARAISONS))}).")
            condition &= Q(**{cle: valeur})
        return condition

    condition = traduire(indicateur.get("filtre", {}))
    if indicateur.get("type") == "resultat":
        condition &= Q(sortie_op__isnull=False)
    return condition


def verifier_indicateurs(indicateurs: list[dict]) -> None:
    """Lève RegleInconnue au premier indicateur dont le filtre ne se traduit pas (au chargement, avant un export)."""
    for indicateur in indicateurs:
        if indicateur.get("type") not in ("realisation", "resultat"):
            raise RegleInconnue(f"Indicateur {indicateur.get('code', '?')} : type « {indicateur.get('type')} » "
                                "inconnu (realisation ou resultat).")
        filtre_de(indicateur)


def verifier_programme(programme) -> None:
    """Les indicateurs d'un programme se traduisent-ils ? (vérifié avant d'enregistrer un programme, operations)"""
    verifier_indicateurs(programme.indicateurs)


def compter_indicateurs(operation: Operation, *, au: date | None = None) -> list[dict]:
    """Chaque indicateur du programme de l'opération, compté par sexe en une requête : code, libellé, type, H, F."""
    indicateurs = operation.programme.indicateurs
    verifier_indicateurs(indicateurs)
    comptes = {}
    for rang, indicateur in enumerate(indicateurs):
        filtre = filtre_de(indicateur)
        comptes.update({f"i{rang}_{sexe}": Count("pk", filter=filtre & Q(sexe=sexe)) for sexe in Sexe.values})
    totaux = participations(operation, au=au).aggregate(**comptes)
    return [{"code": i["code"], "libelle": i["libelle"], "type": i["type"],
             "H": totaux[f"i{rang}_H"], "F": totaux[f"i{rang}_F"]} for rang, i in enumerate(indicateurs)]
