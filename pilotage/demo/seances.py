"""Les séances de la démonstration : la formation-action d'AMNYOS (OP en réalisation d'octobre 2016 à septembre 2017)
tient deux demi-journées par semaine ; ses présences sont notées jusqu'à fin juin 2017, la feuille signée déposée
pour les séances d'octobre à décembre 2016, et son bilan final est en cours de saisie."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from justificatifs.services import bilan_enregistrer, bilan_preparer
from participants.seances import feuille_signee_deposer, inscriptibles, presences_enregistrer, seance_planifier

from .appels import piece_pdf

INTITULE = "Formation-action des référents 2016-2017"
GRAINE = 2016
PRESENCES_NOTEES_JUSQU_AU = date(2017, 6, 30)
FEUILLES_DEPOSEES_JUSQU_AU = date(2016, 12, 31)
# Le mardi matin en salle de formation, le jeudi après-midi en atelier ; pas de séance pendant les vacances de Noël.
CRENEAUX = [(1, "matin", Decimal("3.5"), "Maison de l'emploi, salle 2"), (3, "apres_midi", Decimal("3"), "AMNYOS, atelier")]
FORMATEURS = ["Claire Vautrin", "Marc Odin"]
VACANCES = (date(2016, 12, 19), date(2017, 1, 1))


def _jours(debut: date, fin: date):
    jour = debut
    while jour <= fin:
        if not VACANCES[0] <= jour <= VACANCES[1]:
            for jour_semaine, demi, heures, lieu in CRENEAUX:
                if jour.weekday() == jour_semaine:
                    yield jour, demi, heures, lieu
        jour += timedelta(days=1)


def charger_seances(operation, porteur) -> dict:
    hasard = random.Random(GRAINE)
    inscrits_possibles = list(inscriptibles(operation).order_by("pk"))
    seances = presences = feuilles = 0
    for rang, (jour, demi, heures, lieu) in enumerate(_jours(operation.date_debut, min(operation.date_fin, date(2017, 7, 13)))):
        inscrits = [p for p in inscrits_possibles
                    if p.date_entree <= jour and (p.date_sortie is None or jour <= p.date_sortie)][:16]
        seance = seance_planifier(operation=operation, user=porteur, date=jour, demi_journee=demi, heures=heures,
                                  lieu=lieu, formateur=FORMATEURS[rang % 2], inscrits=inscrits)
        seances += 1
        if jour <= PRESENCES_NOTEES_JUSQU_AU and inscrits:
            statuts = {p.pk: hasard.choices(["present", "absent", "excuse"], weights=[88, 7, 5])[0] for p in inscrits}
            presences += presences_enregistrer(seance=seance, user=porteur, statuts=statuts)
        if jour <= FEUILLES_DEPOSEES_JUSQU_AU and inscrits:
            scan = piece_pdf("Feuille d'émargement signée", [
                f"{operation.code} — {operation.intitule}", f"Séance du {jour:%d/%m/%Y} ({demi.replace('_', '-')})",
                f"{len(inscrits)} inscrits · scan de démonstration"])
            feuille_signee_deposer(seance=seance, fichier=ContentFile(scan, name="scan.pdf"), user=porteur)
            feuilles += 1
    # Le bilan final, en cours de saisie : les dépenses du premier semestre seulement, le récit à compléter.
    bilan = bilan_preparer(operation=operation, user=porteur)
    premieres = list(bilan.depenses.all())[:2]
    bilan_enregistrer(bilan=bilan, user=porteur, ressources={},
                      depenses={d.pk: str((d.prevu * Decimal("0.5")).quantize(Decimal("0.01"))) for d in premieres},
                      qualitatif={"actions_menees": "Deux demi-journées par semaine depuis octobre 2016 : analyse de "
                                                    "cas, outils de diagnostic, entretiens d'explicitation."})
    return {"seances": seances, "presences": presences, "feuilles": feuilles}
