"""Les participants de la démonstration, tirés (au hasard, graine fixe) pour redonner les tableaux 2016 du rapport :
1 525 accompagnés dont 799 encore en parcours au 31/12/2016, 570 entrées, 726 sorties dont 311 positives, les
répartitions par sexe et âge, commune, QPV, prescripteur, motif de sortie, et 1 848 étapes dont 1 136 vers l'emploi.

Chaque sortie positive est prouvée par les étapes qui remplissent son critère à sa date de sortie (CDI commencé six
mois plus tôt, missions d'intérim cumulant six mois sur douze...), sauf les quelques dérogations de DEROGATIONS,
validées en commission avec leur motivation ; celles de ces étapes qui commencent en 2016 sont prises sur les 1 848.

Les totaux et les répartitions du rapport sont dans `donnees/participants.yaml` ; les tirages, ici.

Le rapport n'est pas toujours cohérent avec lui-même (729 sorties dont 314 positives, mais 311 annoncées et 799 en
parcours) : on garde 799, 570 et 311, les chiffres des objectifs, et on en déduit 726 sorties.
"""
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog

from annuaire.models import Commune, Prescripteur, Qpv, Structure, Utilisateur
from annuaire.roles import Role
from operations.models import Operation
from participants.criteres import age_le, criteres, verdicts_du_participant
from participants.models import Etape, MotifSortie, Participant, PropositionSortie, TypeEtape
from participants.services import commission_de_sortie, etape_ajouter, participant_orienter, sortie_proposer

from .acteurs import plie_de_la_demo, referents_par_structure
from .lecture import PARIS, lire
from .programmation import objectifs_du_portage, repartir

_P = lire("participants")
GRAINE = _P["graine"]
AN = (date(2016, 1, 1), date(2016, 12, 31))
# (tranche, âge minimal, âge maximal) -> (hommes, femmes) : accompagnés, dont entrés en 2016.
ACCOMPAGNES = {(a["tranche"], a["age_min"], a["age_max"]): (a["hommes"], a["femmes"]) for a in _P["accompagnes"]}
ENTRES_2016 = {(a["tranche"], a["age_min"], a["age_max"]): tuple(a["dont_entres_en_2016"].values())
               for a in _P["accompagnes"]}
COMMUNES, AUTRES_COMMUNES, QPV = _P["communes"], _P["autres_communes"], _P["qpv"]
PRESCRIPTEURS_2016 = _P["prescripteurs_2016"]
SORTIES, POSITIVES = _P["sorties"], _P["sorties_positives"]
MOTIFS_POSITIFS, AUTRES_MOTIFS = _P["motifs_positifs"], _P["autres_motifs"]
ETAPES = _P["etapes_2016"]
# Les sorties positives de 2016 qui ne remplissent pas leur critère : (motif, jours d'étape au lieu du seuil, motivation
# du référent, motivation de la commission qui les a validées).
DEROGATIONS = [(d["motif"], d["jours"], d["motivation"], d["decision"]) for d in _P["derogations"]]
PARCOURS_COURT = (_P["parcours_court"]["motivation"], _P["parcours_court"]["decision"])
FIN_DES_PROPOSITIONS = _P["fin_des_propositions"]  # les sorties proposées qui attendent la commission de sortie
PRENOMS, NOMS = _P["prenoms"], _P["noms"]


def _sac(comptes: dict, hasard: random.Random) -> list:
    """Une liste où chaque clé apparaît autant de fois que son compte, mélangée."""
    sac = [cle for cle, n in comptes.items() for _ in range(n)]
    hasard.shuffle(sac)
    return sac


def _jour(hasard, debut: date, fin: date) -> date:
    return debut + timedelta(days=hasard.randint(0, (fin - debut).days))


def charger_participants(structures: dict[str, Structure]) -> dict:
    """`structures` : celles de la démonstration, par sigle (ou nom), comme les désignent les référents."""
    hasard = random.Random(GRAINE)
    plie = plie_de_la_demo()
    communes = {c.nom: c for c in Commune.objects.filter(plie=plie)}
    qpv = {q.nom: q for q in Qpv.objects.filter(commune__plie=plie).select_related("commune")}
    prescripteurs = {p.code: p for p in Prescripteur.objects.all()}
    motifs = {m.code: m for m in MotifSortie.objects.all()}
    types = {t.code: t for t in TypeEtape.objects.all()}

    # Les structures du portage, au prorata de leurs objectifs de file active ; un référent de la structure.
    par_structure = referents_par_structure()
    poids = repartir(objectifs_du_portage(2016)["FILE_ACTIVE"], list(par_structure.values()))
    referents = {}
    for u in Utilisateur.objects.filter(groups__name=Role.REFERENT, structure__in=[structures[s] for s in par_structure]):
        referents.setdefault(u.structure_id, []).append(u)

    personnes = []  # (sexe, age min, age max, entré en 2016)
    for (tranche, mini, maxi), (h, f) in ACCOMPAGNES.items():
        eh, ef = ENTRES_2016[(tranche, mini, maxi)]
        personnes += [("H", mini, maxi, True)] * eh + [("F", mini, maxi, True)] * ef
        personnes += [("H", mini, maxi, False)] * (h - eh) + [("F", mini, maxi, False)] * (f - ef)
    hasard.shuffle(personnes)

    lieux = _sac({**COMMUNES, "autres": AUTRES_COMMUNES}, hasard)
    autres = [c for nom, c in communes.items() if nom not in COMMUNES]
    quartiers = {nom: _sac({nom: n}, hasard) for nom, n in QPV.items()}
    prescripteurs_2016 = _sac(PRESCRIPTEURS_2016, hasard)
    sortants = {s: SORTIES[s] for s in SORTIES}
    motifs_positifs, autres_motifs = _sac(MOTIFS_POSITIFS, hasard), _sac(AUTRES_MOTIFS, hasard)
    positifs_restants = dict(POSITIVES)
    structures_tirees = _sac(dict(zip(par_structure, repartir(len(personnes), poids))), hasard)

    participants = []
    for rang, (sexe, mini, maxi, entre_2016) in enumerate(personnes, start=1):
        lieu = lieux[rang - 1]
        commune = hasard.choice(autres) if lieu == "autres" else communes[lieu]
        quartier = None
        for nom, reste in quartiers.items():
            if reste and qpv[nom].commune_id == commune.pk and hasard.random() < 0.45:
                quartier = qpv[nom]
                reste.pop()
                break
        sortie, motif = None, None
        if entre_2016:
            entree = _jour(hasard, AN[0], date(2016, 12, 20)) if hasard.random() < 0.85 else _jour(hasard, date(2016, 1, 1), date(2016, 8, 31))
            prescripteur = prescripteurs[prescripteurs_2016.pop()]
        else:
            prescripteur = prescripteurs[hasard.choice(list(PRESCRIPTEURS_2016))]
            if sortants[sexe]:
                sortants[sexe] -= 1
                sortie = _jour(hasard, date(2016, 1, 5), AN[1])
                entree = max(sortie - timedelta(days=int(hasard.gauss(17 * 30.4375, 120))), date(2013, 6, 1))
                entree = min(entree, date(2015, 12, 28))
                if positifs_restants[sexe]:
                    positifs_restants[sexe] -= 1
                    motif = motifs[motifs_positifs.pop()]
                else:  # les sorties pour maternité vont d'abord aux femmes, les autres motifs dans l'ordre tiré
                    code = ("MATERNITE" if sexe == "F" and "MATERNITE" in autres_motifs
                            else next((c for c in autres_motifs if c != "MATERNITE"), autres_motifs[0]))
                    autres_motifs.remove(code)
                    motif = motifs[code]
            else:
                entree = _jour(hasard, date(2014, 6, 1), date(2015, 12, 20))
        age = hasard.randint(mini, maxi)
        # Né entre un an moins un jour et un jour avant son (âge+1)-ième anniversaire : `age` ans révolus à l'entrée.
        naissance = date(entree.year - age - 1, entree.month, 1) + timedelta(days=entree.day - 1 + hasard.randint(1, 360))
        structure = structures[structures_tirees[rang - 1]]
        referent = hasard.choice(referents.get(structure.pk, [None]))
        participants.append(Participant(
            plie=plie, identifiant=f"ABC-{rang:05d}", nom=hasard.choice(NOMS), prenom=hasard.choice(PRENOMS[sexe]), sexe=sexe,
            date_naissance=naissance, commune=commune, qpv=quartier, prescripteur=prescripteur,
            referent=referent, referent_texte=referent.get_full_name() if referent else "",
            structure_referent=structure, structure_referent_texte=structure.nom, date_entree=entree,
            date_sortie=sortie, motif_sortie=motif, situation_entree=hasard.choice(["DE", "DELD", "DELD", "INACTIF"]),
            niveau_formation=hasard.choice(["ISCED_0_2", "ISCED_0_2", "ISCED_3_4", "ISCED_5_8"]),
            beneficiaire_rsa=hasard.random() < 0.35, rqth="oui" if hasard.random() < 0.08 else "non",
            menage_sans_emploi=hasard.random() < 0.3,
            enfants_a_charge=hasard.random() < 0.4, parent_isole=hasard.random() < 0.15, sans_domicile=hasard.random() < 0.03,
        ))
    _seniors_en_chantier(participants)
    Participant.objects.bulk_create(participants, batch_size=1000)
    preuves, derogations = _preuves(hasard, types)
    _etapes(hasard, types, preuves, exclus=set(derogations))
    _derogations(derogations)
    return {"participants": len(participants), "propositions": _propositions_de_sortie(),
            "orientations": _orientations(communes, prescripteurs)}


def _orientations(communes: dict, prescripteurs: dict) -> int:
    """Trois personnes orientées par la référente de la Mission locale attendent la commission d'entrée."""
    referente = Utilisateur.objects.get(username="referent")
    for o in _P["orientations"]:
        participant_orienter(user=referente, nom=o["nom"], prenom=o["prenom"], sexe=o["sexe"], date_naissance=o["naissance"],
                             commune=communes[o["commune"]], prescripteur=prescripteurs[o["prescripteur"]],
                             date_entree=_P["orientees_le"])
    return len(_P["orientations"])


def _propositions_de_sortie(nombre: int = 6) -> int:
    """Quelques sorties proposées par les référents, dont les étapes remplissent déjà un critère, et une dérogation
    (un CDI de cinq mois) : la commission de sortie a de quoi siéger."""
    proposees = 0
    en_parcours = Participant.objects.filter(date_sortie__isnull=True, referent__isnull=False).select_related("referent")
    sans_critere = None
    for participant in en_parcours.order_by("identifiant").iterator():
        verdicts = verdicts_du_participant(participant, au=FIN_DES_PROPOSITIONS)
        if not verdicts:
            sans_critere = sans_critere or participant
            continue
        verdict = verdicts[0]
        sortie_proposer(participant=participant, motif=MotifSortie.objects.get(code=verdict.critere.motif),
                        date_sortie=FIN_DES_PROPOSITIONS, user=participant.referent,
                        justification=f"{verdict.critere.libelle} : rempli le {verdict.rempli_le:%d/%m/%Y}.")
        proposees += 1
        if proposees == nombre:
            break
    etape_ajouter(participant=sans_critere, user=sans_critere.referent, type=TypeEtape.objects.get(code="CDI"),
                  date_debut=date(2017, 2, 1), employeur="Boulangerie Petit")
    sortie_proposer(participant=sans_critere, motif=MotifSortie.objects.get(code="CDI"), date_sortie=FIN_DES_PROPOSITIONS,
                    user=sans_critere.referent, justification="Contrat de travail et bulletins de salaire au dossier.",
                    motivation_derogation="CDI à temps plein depuis le 01/02/2017, période d'essai validée : cinq mois "
                                          "de présence, l'employeur confirme l'embauche.")
    return proposees + 1


def _seniors_en_chantier(participants: list[Participant]):
    """Le motif « senior en chantier d'insertion » (55 ans et plus) va à des seniors : échangé, à sexe égal, avec la
    sortie positive d'un senior ; les tableaux du rapport n'en changent pas."""
    def senior(p):
        return age_le(p.date_naissance, p.date_entree) >= 55

    positives = [p for p in participants if p.motif_sortie and p.motif_sortie.positive]
    for p in positives:
        if p.motif_sortie.code == "SENIOR_CHANTIER" and not senior(p):
            autre = next(a for a in positives if a.sexe == p.sexe and senior(a) and a.motif_sortie.code != "SENIOR_CHANTIER")
            p.motif_sortie, autre.motif_sortie = autre.motif_sortie, p.motif_sortie


def _preuves(hasard: random.Random, types: dict) -> tuple[list[Etape], dict[int, tuple[str, str]]]:
    """Pour chaque sortie positive, les étapes qui remplissent son critère à sa date de sortie ; pour les dérogations
    (DEROGATIONS, et un parcours trop court pour la durée du critère), des étapes qui n'y suffisent pas. Rend les
    étapes et, par participant en dérogation, (motivation du référent, motivation de la commission)."""
    par_motif = {c.motif: c for c in criteres()}
    a_deroger = list(DEROGATIONS)
    etapes, derogations = [], {}
    sorties = (Participant.objects.filter(date_sortie__isnull=False).exclude(motif_sortie__categorie="")
               .order_by("identifiant").values_list("pk", "date_entree", "date_sortie", "motif_sortie__code"))
    for pk, entree, sortie, motif in sorties:
        critere = par_motif[motif]
        parcours = (sortie - entree).days + 1
        jours = critere.jours
        derogation = next((d for d in a_deroger if d[0] == motif and parcours > d[1]), None)
        if derogation:
            a_deroger.remove(derogation)
            jours, derogations[pk] = derogation[1], derogation[2:]
        elif parcours < jours:
            jours, derogations[pk] = parcours - 1, PARCOURS_COURT
        marge = 0 if pk in derogations else hasard.randint(0, min(120, parcours - jours))
        etapes += [Etape(participant_id=pk, type=types[code], date_debut=debut, date_fin=fin)
                   for code, debut, fin in _etapes_du_critere(hasard, critere, entree, sortie, jours, marge)]
    return etapes, derogations


def _etapes_du_critere(hasard: random.Random, critere, entree: date, sortie: date, jours: int, marge: int):
    """(type, début, fin) d'étapes qui couvrent `jours` jours au plus tard le jour de la sortie (commencées `marge`
    jours plus tôt que le strict nécessaire, dans le parcours) ; une présence commence avant la sortie."""
    if critere.mode == "presence":
        debut = _jour(hasard, max(entree, sortie - timedelta(days=90)), sortie)
        return [(critere.types[0], debut, debut + timedelta(days=hasard.randint(60, 300)))]
    debut = sortie - timedelta(days=jours - 1 + marge)
    if critere.mode == "duree_continue":
        code = hasard.choice(critere.types)
        fin = None if code in ("CDI", "CREATION_ACTIVITE") else sortie + timedelta(days=hasard.randint(0, 180))
        return [(code, debut, fin)]
    # cumul_12_mois : une étape longue (CDD de 6 mois et plus), ou des missions successives séparées de quelques jours
    # pris sur la marge ; la dernière peut se poursuivre après la sortie.
    if "CDD_PLUS_6M" in critere.types and hasard.random() < 0.5 and jours >= critere.jours:
        return [("CDD_PLUS_6M", debut, sortie + timedelta(days=hasard.randint(0, 120)))]
    code, (court, long) = critere.types[0], (20, 80) if critere.types[0] == "INTERIM" else (30, 150)
    missions, couverts = [], 0
    while couverts < jours:
        duree = hasard.randint(court, long)
        if jours - couverts <= duree and marge == 0:
            duree = jours - couverts  # une dérogation s'arrête juste avant le seuil
        missions.append((code, debut, debut + timedelta(days=duree - 1)))
        couverts += duree
        ecart = hasard.randint(0, min(20, marge))
        marge -= ecart
        debut += timedelta(days=duree + ecart)
    return missions


def _derogations(derogations: dict[int, tuple[str, str]]):
    """Les sorties positives en dérogation, passées par la commission de sortie comme une autre : proposées par le
    référent (ou l'équipe d'animation) avec leur motivation, validées avec celle de la commission, à leur date."""
    animation = Utilisateur.objects.get(username="animation")
    proposees = ContentType.objects.get_for_model(PropositionSortie)
    for participant in Participant.objects.filter(pk__in=derogations).select_related("motif_sortie", "referent"):
        motivation, decision = derogations[participant.pk]
        sortie, motif = participant.date_sortie, participant.motif_sortie
        Participant.objects.filter(pk=participant.pk).update(date_sortie=None, motif_sortie=None)
        participant.date_sortie = participant.motif_sortie = None
        proposition = sortie_proposer(participant=participant, motif=motif, date_sortie=sortie, justification="",
                                      user=participant.referent or animation, motivation_derogation=motivation)
        commission_de_sortie(decisions=[(proposition, "valider", decision)], user=animation)
        PropositionSortie.objects.filter(pk=proposition.pk).update(
            proposee_le=datetime.combine(sortie - timedelta(days=12), time(10, 15), tzinfo=PARIS))
        StateLog.objects.filter(content_type=proposees, object_id=proposition.pk).update(
            timestamp=datetime.combine(sortie, time(15, 30), tzinfo=PARIS))


def _etapes(hasard: random.Random, types: dict, preuves: list[Etape], exclus: set[int]):
    """Les 1 848 étapes de 2016, chacune dans le parcours de son participant : d'abord celles qui prouvent les sorties
    positives (`preuves`), puis, tirées au hasard pour compléter chaque type, d'autres étapes, sauf pour les
    participants en dérogation (`exclus`), que le hasard ne doit pas prouver ; les actions et clauses rattachées aux
    opérations de la programmation qui les portent."""
    actions = list(Operation.objects.filter(date_debut__year=2016, type__code__in=["REMOBILISATION", "PRESTATION"])
                   .exclude(etat__in=["brouillon", "abandonnee"]))
    clauses = Operation.objects.filter(type__code="CLAUSES_INSERTION", date_debut__year=2016).first()
    en_2016 = list(Participant.objects.filter(date_entree__lte=AN[1]).exclude(date_sortie__lt=AN[0])
                   .exclude(pk__in=exclus).values_list("pk", "date_entree", "date_sortie"))
    prouvees = Counter(e.type.code for e in preuves if AN[0] <= e.date_debut <= AN[1])
    assert not prouvees - Counter(ETAPES), f"plus d'étapes de preuve en 2016 que dans le rapport : {prouvees}"
    etapes, vues = list(preuves), {(e.participant_id, e.type.code, e.date_debut) for e in preuves}
    for code in _sac(Counter(ETAPES) - prouvees, hasard):
        while True:
            pk, entree, sortie = hasard.choice(en_2016)
            debut = _jour(hasard, max(entree, AN[0]), min(sortie or AN[1], AN[1]))
            if (pk, code, debut) not in vues:
                vues.add((pk, code, debut))
                break
        duree = {"CDI": None, "CREATION_ACTIVITE": None}.get(code, hasard.randint(5, 180))
        fin = debut + timedelta(days=duree) if duree is not None else None
        operation, heures, secteur = None, None, ""
        if code == "ACTION_PLIE" and actions:
            operation, heures = hasard.choice(actions), Decimal(hasard.randint(14, 140))
        elif code == "CLAUSE_INSERTION":
            operation, heures, secteur = clauses, Decimal(hasard.randint(35, 600)), hasard.choice(["BTP", "BTP", "SERVICES"])
        etapes.append(Etape(participant_id=pk, type=types[code], date_debut=debut, date_fin=fin, operation=operation,
                            heures=heures, secteur=secteur))
    Etape.objects.bulk_create(etapes, batch_size=2000)
