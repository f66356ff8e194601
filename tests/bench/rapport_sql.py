"""La référence SQL du rapport d'activité : les mêmes chiffres en requêtes écrites à la main (PostgreSQL), pour
mesurer ce que coûte le rapport de l'application par rapport à la base seule."""
from django.db import connection

AGE = "date_part('year', age(p.date_entree, p.date_naissance))"
TRANCHE = (f"CASE WHEN {AGE} BETWEEN 15 AND 24 THEN '15-24' WHEN {AGE} BETWEEN 25 AND 44 THEN '25-44' "
           f"WHEN {AGE} BETWEEN 45 AND 54 THEN '45-54' WHEN {AGE} BETWEEN 55 AND 64 THEN '55-64' "
           f"WHEN {AGE} >= 65 THEN '65+' END")
ACCOMPAGNES = "p.date_entree <= %(fin)s AND (p.date_sortie IS NULL OR p.date_sortie >= %(debut)s)"


def _lignes(sql, params):
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        return curseur.fetchall()


def rapport_sql(debut, fin) -> dict:
    p = {"debut": debut, "fin": fin}
    acc = _lignes(f"SELECT p.sexe, {TRANCHE}, count(*) FROM participants_participant p WHERE {ACCOMPAGNES} GROUP BY 1, 2", p)
    communes = _lignes(f"""SELECT c.nom, count(*) FROM participants_participant p JOIN annuaire_commune c ON c.id = p.commune_id
                           WHERE {ACCOMPAGNES} GROUP BY 1""", p)
    qpv = _lignes(f"""SELECT q.nom, count(*) FROM participants_participant p JOIN annuaire_qpv q ON q.id = p.qpv_id
                      WHERE {ACCOMPAGNES} GROUP BY 1""", p)
    en_parcours = _lignes("""SELECT count(*) FROM participants_participant p WHERE p.date_entree <= %(fin)s
                             AND (p.date_sortie IS NULL OR p.date_sortie > %(fin)s)""", p)[0][0]
    entrees = _lignes(f"""SELECT p.sexe, {TRANCHE}, pr.code, count(*) FROM participants_participant p
                          JOIN annuaire_prescripteur pr ON pr.id = p.prescripteur_id
                          WHERE p.date_entree BETWEEN %(debut)s AND %(fin)s GROUP BY 1, 2, 3""", p)
    etapes = _lignes("""SELECT t.code, t.vers_emploi, count(*) FROM participants_etape e JOIN participants_typeetape t
                        ON t.id = e.type_id WHERE e.date_debut BETWEEN %(debut)s AND %(fin)s GROUP BY 1, 2""", p)
    sorties = _lignes("""SELECT p.sexe, m.code, m.categorie, m.neutre, count(*), sum(p.date_sortie - p.date_entree)
                         FROM participants_participant p JOIN participants_motifsortie m ON m.id = p.motif_sortie_id
                         WHERE p.date_sortie BETWEEN %(debut)s AND %(fin)s GROUP BY 1, 2, 3, 4""", p)
    total_sorties = sum(s[4] for s in sorties)
    positives = sum(s[4] for s in sorties if s[2])
    return {
        "accompagnes": sum(n for _, _, n in acc), "communes": dict(communes), "qpv": sum(n for _, n in qpv),
        "en_parcours_fin_periode": en_parcours, "entrees": sum(e[3] for e in entrees),
        "etapes": sum(e[2] for e in etapes), "vers_emploi": sum(e[2] for e in etapes if e[1]),
        "sorties": total_sorties, "positives": positives,
        "jours": sum(s[5] for s in sorties),
    }


def clauses_sql(debut, fin) -> dict:
    """La partie clauses du rapport en SQL écrit à la main : heures, orientations, candidats validés, participants
    salariés et leurs sorties positives."""
    p = {"debut": debut, "fin": fin, "mois": debut.replace(day=1)}
    heures = _lignes("""SELECT secteur, contrat, sum(heures), count(DISTINCT salarie) FROM participants_heuresclause
                        WHERE mois BETWEEN %(mois)s AND %(fin)s GROUP BY ROLLUP (secteur, contrat)""", p)
    salaries = _lignes("""SELECT count(DISTINCT salarie) FROM participants_heuresclause
                          WHERE mois BETWEEN %(mois)s AND %(fin)s""", p)[0][0]
    orientations = _lignes("""SELECT pr.code = 'PLIE', o.qpv_id IS NOT NULL, o.secteur, count(*)
                              FROM participants_orientationclause o JOIN annuaire_prescripteur pr ON pr.id = o.prescripteur_id
                              WHERE o.date BETWEEN %(debut)s AND %(fin)s GROUP BY 1, 2, 3""", p)
    valides = _lignes("""SELECT count(*), sum(q) FROM (SELECT candidat, max((qpv_id IS NOT NULL)::int) AS q
                         FROM participants_orientationclause WHERE date_validation BETWEEN %(debut)s AND %(fin)s
                         GROUP BY candidat) v""", p)[0]
    participants = _lignes(f"""SELECT p.sexe, m.categorie, p.date_sortie BETWEEN %(debut)s AND %(fin)s, count(*)
                               FROM participants_participant p LEFT JOIN participants_motifsortie m ON m.id = p.motif_sortie_id
                               WHERE p.statut_entree = 'entre' AND {ACCOMPAGNES} AND EXISTS (
                                   SELECT 1 FROM participants_heuresclause h WHERE h.participant_id = p.id
                                   AND h.mois BETWEEN %(mois)s AND %(fin)s) GROUP BY 1, 2, 3""", p)
    return {
        "heures": sum(h[2] for h in heures if h[0] is None), "salaries": salaries,
        "orientations": sum(o[3] for o in orientations), "valides": valides[0],
        "participants": sum(x[3] for x in participants),
        "sorties_positives": sum(x[3] for x in participants if x[1] and x[2]),
    }
