"""Le bilan d'exécution en Word : ses variables, documentées pour les administrateurs (templates/docx/README.md).
Le rapport de contrôle de service fait, qui lit le contrôle, est au-dessus de controle.py : `rapport_csf.py`."""
from operations.documents import declarer_modele
from operations.programmes import mention_de

from .models import Bilan
from .selectors import financier, quantitatif

BILAN_EXECUTION = declarer_modele("bilan_execution", "bilan_execution.docx", "Bilan d'exécution", {
    "bilan": "le bilan : titre (« Bilan final », « Bilan intermédiaire n° 1 »), rang, debut, fin (dates), etat",
    "operation": "l'opération : code, intitule, type, date_debut, date_fin (dates)",
    "porteur": "la structure porteuse : nom, adresse, commune, representant",
    "quantitatif": ("la partie calculée : objectifs (liste : indicateur, unite, cible, realise, part — fraction), "
                    "chiffres (accompagnes, hommes, femmes, entrees, sorties, positives, heures, etapes), "
                    "participants (liste : identifiant, nom, prenom, sexe, age, date_entree, situation, niveau, rsa, "
                    "qpv, date_sortie, motif_sortie, heures), etapes (liste : type, nombre), sorties (liste : motif, nombre)"),
    "financier": ("la partie financière : depenses (liste : categorie, libelle, prevu, realise, ecart), categories "
                  "(liste : categorie, prevu, realise), total_prevu, total_realise, ecart, taux_realisation (fraction), "
                  "ressources (liste : financeur, prevu, recu), total_ressources_prevues, total_ressources_recues"),
    "qualitatif": "la partie rédigée : actions_menees, analyse, difficultes, perspectives",
})


def contexte_bilan(bilan: Bilan) -> dict:
    commun = contexte_bilan_sans_calculs(bilan)
    return {
        **commun,
        "bilan": {**commun["bilan"], "etat": bilan.get_etat_display()},
        "mention_fse": mention_de([bilan.operation.programme]),
        "quantitatif": quantitatif(bilan),
        "financier": financier(bilan),
        "qualitatif": {"actions_menees": bilan.actions_menees, "analyse": bilan.analyse,
                       "difficultes": bilan.difficultes, "perspectives": bilan.perspectives},
    }


def contexte_bilan_sans_calculs(bilan: Bilan) -> dict:
    operation, porteur = bilan.operation, bilan.operation.porteur
    return {
        "bilan": {"titre": bilan.titre, "rang": bilan.rang, "debut": bilan.debut, "fin": bilan.fin},
        "operation": {"code": operation.code, "intitule": operation.intitule, "type": str(operation.type),
                      "date_debut": operation.date_debut, "date_fin": operation.date_fin},
        "porteur": {"nom": porteur.nom, "adresse": porteur.adresse, "commune": porteur.commune,
                    "representant": porteur.representant},
    }
