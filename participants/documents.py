"""Le rapport d'activité en Word : ses variables, documentées pour les administrateurs (templates/docx/README.md)."""
from operations.documents import declarer_modele

_PARTS = "(liste : libelle, nombre, part — une fraction, à écrire avec |pourcentage)"

RAPPORT_ACTIVITE = declarer_modele("rapport_activite", "rapport_activite.docx", "Rapport d'activité", {
    "periode": "la période : debut, fin (dates)",
    "chiffres": ("les chiffres clés : accompagnes, hommes, femmes, en_parcours (en fin de période), qpv, entrees, etapes, "
                 "vers_emploi, sorties, positives, taux et taux_hors_neutres (fractions), duree (mois)"),
    "ages": "les accompagnés par tranche d'âge (liste : tranche, h, f, total)",
    "communes": f"les accompagnés par commune {_PARTS}",
    "quartiers": f"les accompagnés par quartier prioritaire {_PARTS}",
    "prescripteurs": f"les entrées par prescripteur {_PARTS}",
    "entrees_ages": f"les entrées par tranche d'âge {_PARTS}",
    "etapes": f"les étapes de la période par type {_PARTS}",
    "sorties_sexe": "les sorties par sexe (liste : sexe, total, positives)",
    "categories": f"les sorties positives par catégorie {_PARTS}",
    "autres_sorties": f"les autres sorties par motif {_PARTS}",
    "graphique_ages": "graphique en barres des accompagnés par âge (image)",
    "graphique_prescripteurs": "graphique en barres des entrées par prescripteur (image)",
    "graphique_sorties": "graphique en barres des sorties positives par catégorie (image)",
    "clauses": ("les clauses d'insertion, vide quand la période n'en a aucune donnée (`{%p if clauses %}`) : "
                "heures (total, btp, services, salaries) ; contrats (liste : libelle, heures, salaries) ; orientations "
                "(total, plie, plie_qpv, autre, autre_qpv, btp, services, qpv) ; prescripteurs, quartiers_orientations, "
                "quartiers_participants, quartiers_sorties et motifs (listes : libelle, nombre) ; valides (total, btp, "
                "services, part_qpv — une fraction) ; participants (total, hommes, femmes, btp, btp_femmes, services, "
                "services_femmes, qpv, part_qpv) ; sorties (total, qpv, part_qpv)"),
    "graphique_clauses": "graphique en barres des heures de clauses d'insertion par type de contrat (image ; vide sans clauses)",
    # Calculées par justificatifs (participants.rapport.PARTIES_DU_RAPPORT).
    "enveloppe": ("l'enveloppe souple (vide sans aide traitée dans la période) : demandes (traitées), participants, "
                  "hommes, femmes, part_hommes et part_femmes (fractions), montant (payé, Decimal), motifs (liste : "
                  "motif, libelle, part — une fraction), garde_enfants (part du montant, fraction)"),
    "graphique_aides": "graphique en barres de la répartition du montant des aides par motif (image)",
})
