"""Les séances de la démonstration : la formation-action d'AMNYOS (OP en réalisation d'octobre 2016 à septembre 2017)
tient deux demi-journées par semaine ; ses présences sont notées jusqu'à fin juin 2017, la feuille signée déposée
pour les séances d'octobre à décembre 2016, et son bilan final est en cours de saisie (`donnees/seances.yaml`)."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from justificatifs.services import bilan_enregistrer, bilan_preparer
from participants.seances import feuille_signee_deposer, inscriptibles, presences_enregistrer, seance_planifier

from .appels import piece_pdf
from .lecture import lire

_S = lire("seances")
INTITULE = _S["operation"]
CRENEAUX = [(c["jour"], c["demi_journee"], Decimal(c["heures"]), c["lieu"]) for c in _S["creneaux"]]
VACANCES = _S["vacances"]


def _jours(debut: date, fin: date):
    jour = debut
    while jour <= fin:
        if not VACANCES[0] <= jour <= VACANCES[1]:
            for jour_semaine, demi, heures, lieu in CRENEAUX:
                if jour.weekday() == jour_semaine:
                    yield jour, demi, heures, lieu
        jour += timedelta(days=1)


def charger_seances(operation, porteur) -> dict:
    hasard = random.Random(_S["graine"])
    inscrits_possibles = list(inscriptibles(operation).order_by("pk"))
    seances = presences = feuilles = 0
    poids = _S["presences"]
    for rang, (jour, demi, heures, lieu) in enumerate(_jours(operation.date_debut, min(operation.date_fin, _S["planifiees_jusqu_au"]))):
        inscrits = [p for p in inscrits_possibles
                    if p.date_entree <= jour and (p.date_sortie is None or jour <= p.date_sortie)][:_S["inscrits_au_plus"]]
        seance = seance_planifier(operation=operation, user=porteur, date=jour, demi_journee=demi, heures=heures,
                                  lieu=lieu, formateur=_S["formateurs"][rang % len(_S["formateurs"])], inscrits=inscrits)
        seances += 1
        if jour <= _S["presences_notees_jusqu_au"] and inscrits:
            statuts = {p.pk: hasard.choices(list(poids), weights=list(poids.values()))[0] for p in inscrits}
            presences += presences_enregistrer(seance=seance, user=porteur, statuts=statuts)
        if jour <= _S["feuilles_deposees_jusqu_au"] and inscrits:
            scan = piece_pdf("Feuille d'émargement signée", [
                f"{operation.code} — {operation.intitule}", f"Séance du {jour:%d/%m/%Y} ({demi.replace('_', '-')})",
                f"{len(inscrits)} inscrits · scan de démonstration"])
            feuille_signee_deposer(seance=seance, fichier=ContentFile(scan, name="scan.pdf"), user=porteur)
            feuilles += 1
    # Le bilan final, en cours de saisie : les dépenses du premier semestre seulement, le récit à compléter.
    en_saisie = _S["bilan"]
    bilan = bilan_preparer(operation=operation, user=porteur)
    premieres = list(bilan.depenses.all())[:en_saisie["depenses_saisies"]]
    part = Decimal(en_saisie["part_realisee"])
    bilan_enregistrer(bilan=bilan, user=porteur, ressources={},
                      depenses={d.pk: str((d.prevu * part).quantize(Decimal("0.01"))) for d in premieres},
                      qualitatif={"actions_menees": en_saisie["actions_menees"]})
    return {"seances": seances, "presences": presences, "feuilles": feuilles}
