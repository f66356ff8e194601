"""La référence SQL du rapport d'activité : tous ses chiffres calculés par la base seule (PostgreSQL), pour mesurer ce
que coûte le rapport de l'application par rapport à elle.

Un seul parcours des participants : ceux accompagnés sur la période (les entrées, les sorties et les personnes en
parcours en fin de période en sont des parties), comptés par des agrégats `FILTER` sur les ensembles de regroupement
(`GROUPING SETS`) dont le rapport a besoin, les référentiels (communes, quartiers, prescripteurs, motifs) joints
après l'agrégation. Les autres tables ont chacune leur parcours : les étapes ; pour les clauses d'insertion, les
heures, les orientations, les orientations validées et les heures des participants (`clauses_sql`) ; les aides de
l'enveloppe souple (`enveloppe_sql`). Le résultat a la forme exacte de `participants.rapport.rapport_activite`, toutes
ses parties (hors `periode`), pour être comparé dict à dict.

`plies` : les PLIE comptés (une liste de clés, comme `rapport_activite(..., plies=...)`) ; None : toute l'installation.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from participants.options import ContratClause

AGE = "date_part('year', age(p.date_entree, p.date_naissance))"
TRANCHE = (f"CASE WHEN {AGE} BETWEEN 15 AND 24 THEN '15-24' WHEN {AGE} BETWEEN 25 AND 44 THEN '25-44' "
           f"WHEN {AGE} BETWEEN 45 AND 54 THEN '45-54' WHEN {AGE} BETWEEN 55 AND 64 THEN '55-64' "
           f"WHEN {AGE} >= 65 THEN '65+' END")
ACCOMPAGNES = "p.date_entree <= %(fin)s AND (p.date_sortie IS NULL OR p.date_sortie >= %(debut)s)"
DES_PLIE = "p.plie_id = ANY(%(plies)s)"  # ajouté quand le rapport est celui de certains PLIE
CATEGORIES = ("emploi", "emploi_aide", "formation_qualifiante")

# Les regroupements, dans l'ordre de GROUPING(...) : le bit d'une colonne vaut 1 quand elle n'est pas du regroupement.
PARTICIPANTS = f"""
WITH agregats AS (
    SELECT sexe, tranche, commune_id, qpv_id, prescripteur_id, motif_sortie_id,
           GROUPING(sexe, tranche, commune_id, qpv_id, prescripteur_id, motif_sortie_id) AS ensemble,
           count(*) AS accompagnes,
           count(*) FILTER (WHERE entre) AS entrees,
           count(*) FILTER (WHERE sorti) AS sorties,
           count(*) FILTER (WHERE en_parcours) AS en_parcours,
           sum(jours) FILTER (WHERE sorti) AS jours
    FROM (SELECT p.sexe, {TRANCHE} AS tranche, p.commune_id, p.qpv_id, p.prescripteur_id, p.motif_sortie_id,
                 p.date_entree BETWEEN %(debut)s AND %(fin)s AS entre,
                 p.date_sortie BETWEEN %(debut)s AND %(fin)s AS sorti,
                 p.date_sortie IS NULL OR p.date_sortie > %(fin)s AS en_parcours,
                 p.date_sortie - p.date_entree AS jours
          FROM participants_participant p
          WHERE p.statut_entree = 'entre' AND {ACCOMPAGNES} {{des_plie}}) AS x
    GROUP BY GROUPING SETS ((sexe, tranche), (commune_id), (qpv_id), (prescripteur_id), (sexe, motif_sortie_id), ())
)
SELECT a.ensemble, a.sexe, a.tranche, c.nom, q.nom, pr.code, m.code, m.categorie, m.neutre,
       a.accompagnes, a.entrees, a.sorties, a.en_parcours, a.jours
FROM agregats a
LEFT JOIN annuaire_commune c ON c.id = a.commune_id
LEFT JOIN annuaire_qpv q ON q.id = a.qpv_id
LEFT JOIN annuaire_prescripteur pr ON pr.id = a.prescripteur_id
LEFT JOIN participants_motifsortie m ON m.id = a.motif_sortie_id
"""
SEXE_TRANCHE, COMMUNE, QPV, PRESCRIPTEUR, SEXE_MOTIF, TOUT = (
    0b001111, 0b110111, 0b111011, 0b111101, 0b011110, 0b111111)
ETAPES = """SELECT t.code, t.vers_emploi, count(*) FROM participants_etape e JOIN participants_typeetape t ON t.id = e.type_id
            {jointure} WHERE e.date_debut BETWEEN %(debut)s AND %(fin)s {des_plie} GROUP BY 1, 2"""


def _lignes(sql, params):
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        return curseur.fetchall()


def _arrondi(valeur: Decimal, chiffres: int) -> float:
    return float(valeur.quantize(Decimal(1).scaleb(-chiffres), rounding=ROUND_HALF_UP))


def _ajouter(table: dict, cle, n: int):
    if cle and n:
        table[cle] = table.get(cle, 0) + n


def rapport_sql(debut, fin, plies: list[int] | None = None) -> dict:
    """Toutes les parties du rapport : un parcours des participants, un des étapes, ceux des clauses et des aides."""
    p = {"debut": debut, "fin": fin, "plies": plies}
    des_plie = f"AND {DES_PLIE}" if plies is not None else ""
    acc = {"total": 0, "par_sexe": {"H": 0, "F": 0}, "par_tranche_age": {}, "par_commune": {},
           "qpv": {"total": 0, "par_quartier": {}}, "en_parcours_fin_periode": 0}
    ent = {"total": 0, "par_sexe": {"H": 0, "F": 0}, "par_tranche_age": {}, "par_prescripteur": {}}
    sor = {"total": 0, "positives": 0, "par_sexe": {s: {"total": 0, "positives": 0} for s in ("H", "F")},
           "par_motif": {}, "positives_par_categorie": dict.fromkeys(CATEGORIES, 0)}
    neutres = jours = 0
    for (ensemble, sexe, tranche, commune, quartier, prescripteur, motif, categorie, neutre,
         n_acc, n_ent, n_sor, n_parcours, n_jours) in _lignes(PARTICIPANTS.format(des_plie=des_plie), p):
        if ensemble == TOUT:
            acc["total"], acc["en_parcours_fin_periode"], ent["total"] = n_acc, n_parcours, n_ent
        elif ensemble == SEXE_TRANCHE:
            _ajouter(acc["par_sexe"], sexe, n_acc)
            _ajouter(ent["par_sexe"], sexe, n_ent)
            if tranche and n_acc:
                acc["par_tranche_age"].setdefault(tranche, {"H": 0, "F": 0})[sexe] = n_acc
            _ajouter(ent["par_tranche_age"], tranche, n_ent)
        elif ensemble == COMMUNE:
            _ajouter(acc["par_commune"], commune, n_acc)
        elif ensemble == QPV:
            _ajouter(acc["qpv"]["par_quartier"], quartier, n_acc)
        elif ensemble == PRESCRIPTEUR:
            _ajouter(ent["par_prescripteur"], prescripteur, n_ent)
        elif ensemble == SEXE_MOTIF and n_sor:
            positives = n_sor if categorie else 0
            sor["total"] += n_sor
            sor["positives"] += positives
            sor["par_sexe"][sexe]["total"] += n_sor
            sor["par_sexe"][sexe]["positives"] += positives
            neutres += n_sor if neutre else 0
            jours += n_jours
            _ajouter(sor["par_motif"], motif, n_sor)
            _ajouter(sor["positives_par_categorie"], categorie, n_sor)
    acc["qpv"]["total"] = sum(acc["qpv"]["par_quartier"].values())
    total, positives = sor["total"], sor["positives"]
    sor["taux_sorties_positives"] = _arrondi(Decimal(positives) / total, 4) if total else 0.0
    sor["taux_sorties_positives_hors_neutres"] = (_arrondi(Decimal(positives) / (total - neutres), 4)
                                                  if total > neutres else 0.0)
    sor["duree_moyenne_parcours_mois"] = _arrondi(Decimal(jours) / total / Decimal("30.4375"), 1) if total else 0.0

    etapes = {"total": 0, "vers_emploi": 0, "par_type": {}}
    for code, vers_emploi, n in _lignes(ETAPES.format(des_plie=des_plie, jointure="JOIN participants_participant p ON p.id = e.participant_id"
                                                 if plies is not None else ""), p):
        etapes["total"] += n
        etapes["vers_emploi"] += n if vers_emploi else 0
        _ajouter(etapes["par_type"], code, n)
    return {"accompagnes": acc, "entrees": ent, "etapes": etapes, "sorties": sor,
            "clauses": clauses_sql(debut, fin, plies), "enveloppe_souple": enveloppe_sql(debut, fin, plies)}


def _nombre(heures) -> int | float:
    heures = heures or Decimal(0)
    return int(heures) if heures == heures.to_integral_value() else float(heures.quantize(Decimal("0.01")))


def _part(n, total, chiffres: int = 4) -> float:
    return _arrondi(Decimal(n) / total, chiffres) if total else 0.0


def _qpv(table: dict) -> dict:
    return {"total": sum(table.values()), "par_quartier": dict(sorted(table.items()))}


# Les heures d'un parcours : trois regroupements (secteur, contrat, tout) ; GROUPING(secteur, contrat).
HEURES = """SELECT GROUPING(secteur, contrat), secteur, contrat, sum(heures), count(DISTINCT salarie)
            FROM participants_heuresclause h WHERE mois BETWEEN %(mois)s AND %(fin)s {h_}
            GROUP BY GROUPING SETS ((secteur), (contrat), ())"""
# Les orientations d'un parcours : par (prescripteur, en QPV ou non), par secteur, par quartier ;
# GROUPING(prescripteur_id, secteur, qpv_id). Codes, ordres et noms joints après l'agrégation.
ORIENTATIONS = """WITH a AS (
    SELECT GROUPING(prescripteur_id, secteur, qpv_id) AS ensemble, prescripteur_id, qpv_id IS NOT NULL AS en_qpv,
           secteur, qpv_id, count(*) AS n
    FROM participants_orientationclause o WHERE date BETWEEN %(debut)s AND %(fin)s {o_}
    GROUP BY GROUPING SETS ((prescripteur_id, qpv_id IS NOT NULL), (secteur), (qpv_id)))
SELECT a.ensemble, pr.code, pr.ordre, a.en_qpv, a.secteur, q.nom, a.n FROM a
LEFT JOIN annuaire_prescripteur pr ON pr.id = a.prescripteur_id LEFT JOIN annuaire_qpv q ON q.id = a.qpv_id"""
VALIDES = """SELECT count(*), coalesce(sum(q), 0), coalesce(sum(btp), 0), coalesce(sum(services), 0) FROM (
    SELECT candidat, max((qpv_id IS NOT NULL)::int) AS q, max((secteur IN ('BTP', 'LES_DEUX'))::int) AS btp,
           max((secteur IN ('SERVICES', 'LES_DEUX'))::int) AS services
    FROM participants_orientationclause o WHERE date_validation BETWEEN %(debut)s AND %(fin)s {o_} GROUP BY candidat) v"""
# Les participants accompagnés qui ont des heures sur la période : un par personne (ses secteurs), puis comptés par
# sexe, quartier, secteurs et motif de sortie positive de la période.
SALARIES = f"""SELECT sexe, quartier, motif, btp, services, count(*) FROM (
    SELECT p.id, p.sexe, q.nom AS quartier,
           CASE WHEN p.date_sortie BETWEEN %(debut)s AND %(fin)s AND m.categorie <> '' THEN m.code END AS motif,
           bool_or(h.secteur = 'BTP') AS btp, bool_or(h.secteur = 'SERVICES') AS services
    FROM participants_heuresclause h JOIN participants_participant p ON p.id = h.participant_id
    LEFT JOIN annuaire_qpv q ON q.id = p.qpv_id LEFT JOIN participants_motifsortie m ON m.id = p.motif_sortie_id
    WHERE h.mois BETWEEN %(mois)s AND %(fin)s {{h_}} AND p.statut_entree = 'entre' AND {ACCOMPAGNES} {{p_}}
    GROUP BY p.id, p.sexe, q.nom, m.code, m.categorie) x GROUP BY 1, 2, 3, 4, 5"""


CLAUSES_EXISTENT = """SELECT EXISTS (SELECT 1 FROM participants_heuresclause WHERE plie_id = ANY(%(plies)s))
                           OR EXISTS (SELECT 1 FROM participants_orientationclause WHERE plie_id = ANY(%(plies)s))"""


def clauses_sql(debut, fin, plies: list[int] | None = None) -> dict:
    """La partie `clauses` du rapport, de la même forme que `participants.rapport_clauses.chiffres_clauses` (tous ses
    chiffres), en SQL écrit à la main : un parcours des heures, un des orientations, un des orientations validées,
    un des heures des participants (des PLIE `plies`, None : toute l'installation)."""
    p = {"debut": debut, "fin": fin, "mois": debut.replace(day=1), "plies": plies}
    h_ = "AND h.plie_id = ANY(%(plies)s)" if plies is not None else ""
    o_ = "AND o.plie_id = ANY(%(plies)s)" if plies is not None else ""
    p_ = f"AND {DES_PLIE}" if plies is not None else ""
    # Comme le rapport : des PLIE sans aucune donnée de clauses ne lancent pas les quatre parcours.
    vide = plies is not None and not _lignes(CLAUSES_EXISTENT, p)[0][0]

    def lignes(sql):
        return [] if vide else _lignes(sql, p)

    heures = {"total": 0, "par_secteur": {"BTP": 0, "SERVICES": 0}, "par_contrat": {}, "salaries": 0}
    contrats = {}
    for ensemble, secteur, contrat, somme, salaries in lignes(HEURES.format(h_=h_)):
        if ensemble == 0b11:
            heures["total"], heures["salaries"] = _nombre(somme), salaries
        elif ensemble == 0b01:
            heures["par_secteur"][secteur] = _nombre(somme)
        else:
            contrats[contrat] = {"heures": _nombre(somme), "salaries": salaries}
    heures["par_contrat"] = {c: contrats[c] for c in ContratClause.values if c in contrats}

    orientations = {"total": 0, "par_origine": {o: {"total": 0, "qpv": 0} for o in ("PLIE", "AUTRE")},
                    "par_secteur": {"BTP": 0, "SERVICES": 0}, "par_prescripteur": {}, "qpv_par_quartier": {}}
    prescripteurs = {}
    for ensemble, code, ordre, en_qpv, secteur, quartier, n in lignes(ORIENTATIONS.format(o_=o_)):
        if ensemble == 0b011:
            origine = orientations["par_origine"]["PLIE" if code == "PLIE" else "AUTRE"]
            origine["total"] += n
            origine["qpv"] += n if en_qpv else 0
            orientations["total"] += n
            if code != "PLIE":
                prescripteurs[(ordre, code)] = prescripteurs.get((ordre, code), 0) + n
        elif ensemble == 0b101:
            for s in ("BTP", "SERVICES"):
                orientations["par_secteur"][s] += n if secteur in (s, "LES_DEUX") else 0
        elif quartier:
            orientations["qpv_par_quartier"][quartier] = orientations["qpv_par_quartier"].get(quartier, 0) + n
    orientations["par_prescripteur"] = {code: n for (_, code), n in sorted(prescripteurs.items())}
    orientations["qpv_par_quartier"] = dict(sorted(orientations["qpv_par_quartier"].items()))

    total, en_qpv, btp, services = (lignes(VALIDES.format(o_=o_)) or [(0, 0, 0, 0)])[0]
    valides = {"total": total, "par_secteur": {"BTP": btp, "SERVICES": services}, "part_qpv": _part(en_qpv, total)}

    par_sexe, par_secteur = {"H": 0, "F": 0}, {s: {"total": 0, "F": 0} for s in ("BTP", "SERVICES")}
    quartiers, motifs, quartiers_sortis = {}, {}, {}
    for sexe, quartier, motif, btp, services, n in lignes(SALARIES.format(h_=h_, p_=p_)):
        par_sexe[sexe] += n
        for s, dans_le_secteur in (("BTP", btp), ("SERVICES", services)):
            if dans_le_secteur:
                par_secteur[s]["total"] += n
                par_secteur[s]["F"] += n if sexe == "F" else 0
        _ajouter(quartiers, quartier, n)
        if motif:
            _ajouter(motifs, motif, n)
            _ajouter(quartiers_sortis, quartier, n)
    return {
        "heures": heures, "orientations": orientations, "candidats_valides": valides,
        "participants_plie": {"total": sum(par_sexe.values()), "par_sexe": par_sexe, "par_secteur": par_secteur,
                              "qpv": _qpv(quartiers)},
        "sorties_positives": {"total": sum(motifs.values()), "par_motif": motifs, "qpv": _qpv(quartiers_sortis)},
    }


ENVELOPPE = """SELECT count(*) FILTER (WHERE a.decidee_le BETWEEN %(debut)s AND %(fin)s
                                   AND a.etat IN ('accordee', 'refusee', 'payee', 'annulee')),
       count(DISTINCT a.participant_id) FILTER (WHERE payee),
       count(DISTINCT a.participant_id) FILTER (WHERE payee AND p.sexe = 'H'),
       count(DISTINCT a.participant_id) FILTER (WHERE payee AND p.sexe = 'F'),
       coalesce(sum(a.montant_paye) FILTER (WHERE payee), 0),
       coalesce(sum(a.montant_paye) FILTER (WHERE payee AND a.nature = 'GARDE_ENFANTS'), 0),
       coalesce(sum(a.montant_paye) FILTER (WHERE payee AND a.motif = 'EMPLOI'), 0),
       coalesce(sum(a.montant_paye) FILTER (WHERE payee AND a.motif = 'FORMATION'), 0),
       coalesce(sum(a.montant_paye) FILTER (WHERE payee AND a.motif = 'STAGE'), 0)
FROM (SELECT *, etat = 'payee' AND payee_le BETWEEN %(debut)s AND %(fin)s AS payee FROM justificatifs_aide) a
JOIN participants_participant p ON p.id = a.participant_id {des_plie}"""


def enveloppe_sql(debut, fin, plies: list[int] | None = None) -> dict:
    """La partie `enveloppe_souple` du rapport (justificatifs.selectors_aides.enveloppe_du_rapport), en une requête."""
    p = {"debut": debut, "fin": fin, "plies": plies}
    traitees, aides, hommes, femmes, total, garde, emploi, formation, stage = _lignes(
        ENVELOPPE.format(des_plie=f"WHERE {DES_PLIE}" if plies is not None else ""), p)[0]
    return {
        "demandes_traitees": traitees, "participants_aides": {"total": aides, "H": hommes, "F": femmes},
        "montant_total": f"{total.quantize(Decimal('0.01'))}",
        "repartition_par_motif": {m: _part(v, total, 2) for m, v in (("EMPLOI", emploi), ("FORMATION", formation),
                                                                      ("STAGE", stage))},
        "part_garde_enfants": _part(garde, total, 2),
    }
