"""La partie « enveloppe souple » du rapport d'activité, inscrite dans `participants.rapport.PARTIES_DU_RAPPORT` :
le JSON (clé `enveloppe_souple`), la feuille du classeur, les variables du modèle Word et la section de la page."""
from decimal import Decimal

from participants.rapport import PartieDuRapport

from .options import MotifAide
from .selectors_aides import enveloppe_du_rapport

MOTIFS = {MotifAide.EMPLOI: "lié à l'emploi", MotifAide.FORMATION: "lié à la formation", MotifAide.STAGE: "lié au stage"}


def _part(n: int, total: int) -> Decimal:
    return Decimal(n) / total if total else Decimal(0)


def lignes(donnees: dict):
    aides = donnees["participants_aides"]
    yield ("Demandes traitées", "accordées ou refusées dans la période", donnees["demandes_traitees"])
    yield ("Participants aidés", "Total", aides["total"])
    yield ("Participants aidés", "Hommes", aides["H"])
    yield ("Participants aidés", "Femmes", aides["F"])
    yield ("Montant payé (€)", "Total", Decimal(donnees["montant_total"]), "#,##0.00 €")
    for motif, part in donnees["repartition_par_motif"].items():
        yield ("Répartition du montant", MotifAide(motif).label, part, "0%")
    yield ("Répartition du montant", "dont garde d'enfants", donnees["part_garde_enfants"], "0%")


def contexte(donnees: dict) -> dict:
    from operations.documents import ImageDocx
    from participants.graphiques import barres

    aides = donnees["participants_aides"]
    total = aides["total"]
    motifs = [{"motif": MotifAide(m).label, "libelle": MOTIFS[m], "part": Decimal(str(p))}
              for m, p in donnees["repartition_par_motif"].items()]
    return {
        "enveloppe": {
            "demandes": donnees["demandes_traitees"], "participants": total, "hommes": aides["H"], "femmes": aides["F"],
            "part_hommes": _part(aides["H"], total), "part_femmes": _part(aides["F"], total),
            "montant": Decimal(donnees["montant_total"]), "motifs": motifs,
            "garde_enfants": Decimal(str(donnees["part_garde_enfants"])),
        } if donnees["demandes_traitees"] or total else None,
        "graphique_aides": ImageDocx(barres("Répartition du montant des aides par motif (%)",
                                            [m["motif"] for m in motifs],
                                            [round(float(m["part"]) * 100) for m in motifs]), 140),
    }


PARTIE_ENVELOPPE = PartieDuRapport(cle="enveloppe_souple", titre="Enveloppe souple", calculer=enveloppe_du_rapport,
                                   lignes=lignes, contexte=contexte, gabarit="justificatifs/_rapport_enveloppe.html")
