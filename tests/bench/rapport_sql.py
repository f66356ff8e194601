"""La référence SQL du rapport d'activité : les mêmes chiffres calculés par la base seule (PostgreSQL), pour mesurer
ce que coûte le rapport de l'application par rapport à elle.

Un seul parcours des participants : ceux accompagnés sur la période (les entrées, les sorties et les personnes en
parcours en fin de période en sont des parties), comptés par des agrégats `FILTER` sur les ensembles de regroupement
(`GROUPING SETS`) dont le rapport a besoin, les référentiels (communes, quartiers, prescripteurs, motifs) joints
après l'agrégation. Les étapes sont une autre table : un second parcours, le seul. Le résultat a la forme exacte des
parties `accompagnes`, `entrees`, `etapes` et `sorties` de `participants.rapport.rapport_activite`, pour être comparé
dict à dict.

`plies` : les PLIE comptés (une liste de clés, comme `rapport_activite(..., plies=...)`) ; None : toute l'installation.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

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
    """Les parties `accompagnes`, `entrees`, `etapes` et `sorties` du rapport : deux requêtes, un parcours par table."""
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
    return {"accompagnes": acc, "entrees": ent, "etapes": etapes, "sorties": sor}


def clauses_sql(debut, fin, plies: list[int] | None = None) -> dict:
    """La partie clauses du rapport en SQL écrit à la main : heures, orientations, candidats validés, participants
    salariés et leurs sorties positives (des PLIE `plies`, None : toute l'installation)."""
    p = {"debut": debut, "fin": fin, "mois": debut.replace(day=1), "plies": plies}
    h_ = " AND h.plie_id = ANY(%(plies)s)" if plies is not None else ""
    o_ = " AND o.plie_id = ANY(%(plies)s)" if plies is not None else ""
    p_ = f" AND {DES_PLIE}" if plies is not None else ""
    heures = _lignes(f"""SELECT secteur, contrat, sum(heures), count(DISTINCT salarie) FROM participants_heuresclause h
                         WHERE mois BETWEEN %(mois)s AND %(fin)s{h_} GROUP BY ROLLUP (secteur, contrat)""", p)
    salaries = _lignes(f"""SELECT count(DISTINCT salarie) FROM participants_heuresclause h
                           WHERE mois BETWEEN %(mois)s AND %(fin)s{h_}""", p)[0][0]
    orientations = _lignes(f"""SELECT pr.code = 'PLIE', o.qpv_id IS NOT NULL, o.secteur, count(*)
                               FROM participants_orientationclause o JOIN annuaire_prescripteur pr ON pr.id = o.prescripteur_id
                               WHERE o.date BETWEEN %(debut)s AND %(fin)s{o_} GROUP BY 1, 2, 3""", p)
    valides = _lignes(f"""SELECT count(*), sum(q) FROM (SELECT candidat, max((qpv_id IS NOT NULL)::int) AS q
                          FROM participants_orientationclause o WHERE date_validation BETWEEN %(debut)s AND %(fin)s{o_}
                          GROUP BY candidat) v""", p)[0]
    participants = _lignes(f"""SELECT p.sexe, m.categorie, p.date_sortie BETWEEN %(debut)s AND %(fin)s, count(*)
                               FROM participants_participant p LEFT JOIN participants_motifsortie m ON m.id = p.motif_sortie_id
                               WHERE p.statut_entree = 'entre' AND {ACCOMPAGNES}{p_} AND EXISTS (
                                   SELECT 1 FROM participants_heuresclause h WHERE h.participant_id = p.id
                                   AND h.mois BETWEEN %(mois)s AND %(fin)s) GROUP BY 1, 2, 3""", p)
    return {
        "heures": sum(h[2] for h in heures if h[0] is None), "salaries": salaries,
        "orientations": sum(o[3] for o in orientations), "valides": valides[0],
        "participants": sum(x[3] for x in participants),
        "sorties_positives": sum(x[3] for x in participants if x[1] and x[2]),
    }
