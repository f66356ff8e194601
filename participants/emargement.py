"""Les feuilles d'émargement d'une action, tirées des séances planifiées : une feuille par séance ou par semaine.

Une feuille porte l'emblème de l'Union et les mentions du programme de l'opération, l'opération, le porteur, une
ligne par participant inscrit, une case de signature par demi-journée (« — » quand la personne n'est pas inscrite à
cette séance), la signature du formateur et les heures. Elle ne montre que la période demandée : une séance hors
période, ou une inscription hors du parcours du participant (sorti depuis), n'y figure pas ; les heures de chaque
ligne sont celles de ses séances, leur somme fait le total de la feuille, et les totaux des feuilles celui du document.
"""
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify

from operations.documents import declarer_modele, rendre
from operations.models import Operation
from operations.programmes import mention_de

from .options import DemiJournee
from .seances import dans_le_parcours

JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
PAR_SEANCE, PAR_SEMAINE = "seance", "semaine"
DECOUPAGES = [(PAR_SEANCE, "Une feuille par séance"), (PAR_SEMAINE, "Une feuille par semaine")]
NON_INSCRIT = "—"

EMARGEMENT = declarer_modele("emargement", "emargement.docx", "Feuilles d'émargement", {
    "operation": "l'opération : code, intitule, type",
    "porteur": "la structure porteuse : nom, adresse, commune",
    "periode": "la période demandée : debut, fin (dates)",
    "feuilles": ("les feuilles, une par page (liste) : titre, lieux, formateurs, seances (liste des colonnes : jour, "
                 "demi_journee, heures, inscrits), lignes (liste : numero, nom, prenom, cellules — une par séance, vide "
                 "à signer ou « — » si non inscrit —, heures), total_heures"),
    "total_heures": "le total des heures inscrites de toutes les feuilles",
})


class AucuneSeance(Exception):
    """La période demandée n'a aucune séance : pas de feuille à imprimer."""


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    def __post_init__(self):
        if self.fin < self.debut:
            raise ValueError(f"La fin de la période ({self.fin:%d/%m/%Y}) précède son début ({self.debut:%d/%m/%Y}).")


def _groupes(seances: list, par: str) -> list[tuple[str, list]]:
    if par == PAR_SEANCE:
        return [(f"Séance du {JOURS[s.date.weekday()]} {s.date:%d/%m/%Y}, {s.get_demi_journee_display().lower()}", [s])
                for s in seances]
    semaines = defaultdict(list)
    for s in seances:
        semaines[s.date - timedelta(days=s.date.weekday())].append(s)
    return [(f"Semaine du lundi {lundi:%d/%m/%Y} au dimanche {lundi + timedelta(days=6):%d/%m/%Y}", liste)
            for lundi, liste in sorted(semaines.items())]


def _feuille(titre: str, seances: list, inscrits: dict[int, list]) -> dict:
    inscrits_par_seance = [{p.pk: p for p in inscrits.get(s.pk, ()) if dans_le_parcours(p, s.date)} for s in seances]
    participants = {pk: p for inscrits in inscrits_par_seance for pk, p in inscrits.items()}
    lignes = []
    for numero, p in enumerate(sorted(participants.values(), key=lambda p: (p.nom.upper(), p.prenom.upper(), p.pk)), 1):
        heures = sum((s.heures for s, inscrits in zip(seances, inscrits_par_seance) if p.pk in inscrits), Decimal(0))
        lignes.append({"numero": numero, "nom": p.nom.upper(), "prenom": p.prenom,
                       "cellules": ["" if p.pk in inscrits else NON_INSCRIT for inscrits in inscrits_par_seance],
                       "heures": heures})
    return {
        "titre": titre,
        "lieux": ", ".join(dict.fromkeys(s.lieu for s in seances)),
        "formateurs": ", ".join(dict.fromkeys(s.formateur for s in seances)),
        "seances": [{"jour": f"{JOURS[s.date.weekday()][:3]}. {s.date:%d/%m}",
                     "demi_journee": "matin" if s.demi_journee == DemiJournee.MATIN else "après-midi",
                     "heures": s.heures, "inscrits": len(inscrits)}
                    for s, inscrits in zip(seances, inscrits_par_seance)],
        "lignes": lignes,
        "total_heures": sum((ligne["heures"] for ligne in lignes), Decimal(0)),
    }


def _inscrits(seances: list) -> dict[int, list]:
    """Les inscrits de chaque séance, chaque participant chargé une fois (et non une fois par séance, comme le ferait
    un prefetch : 20 séances de 15 inscrits, 15 participants plutôt que 300) : trois requêtes en tout."""
    from .models import Participant, Seance

    liens = list(Seance.inscrits.through.objects.filter(seance__in=seances).values_list("seance_id", "participant_id"))
    participants = Participant.objects.in_bulk({participant for _, participant in liens})
    inscrits = defaultdict(list)
    for seance, participant in liens:
        inscrits[seance].append(participants[participant])
    return inscrits


def contexte_emargement(operation: Operation, periode: Periode, par: str = PAR_SEANCE) -> dict:
    """Les feuilles de la période, dans l'ordre des séances ; une semaine sans séance ne fait pas de feuille."""
    seances = list(operation.seances.filter(date__range=(periode.debut, periode.fin)).order_by("date", "demi_journee"))
    # « apres_midi » < « matin » dans l'alphabet : on remet le matin devant.
    seances.sort(key=lambda s: (s.date, s.demi_journee != DemiJournee.MATIN))
    inscrits = _inscrits(seances)
    feuilles = [_feuille(titre, groupe, inscrits) for titre, groupe in _groupes(seances, par)]
    porteur = operation.porteur
    return {
        "operation": {"code": operation.code, "intitule": operation.intitule, "type": str(operation.type)},
        "porteur": {"nom": porteur.nom, "adresse": porteur.adresse, "commune": porteur.commune},
        "periode": {"debut": periode.debut, "fin": periode.fin},
        "mention_fse": mention_de([operation.programme]),
        "feuilles": feuilles,
        "total_heures": sum((f["total_heures"] for f in feuilles), Decimal(0)),
    }


def nom_du_fichier(operation: Operation, periode: Periode, extension: str = "docx") -> str:
    return f"emargement-{slugify(operation.code)}-{periode.debut:%Y%m%d}-{periode.fin:%Y%m%d}.{extension}"


def emargement_docx(operation: Operation, periode: Periode, par: str = PAR_SEANCE) -> bytes:
    """Le document Word des feuilles ; sans séance dans la période, un refus plutôt qu'un document vide."""
    contexte = contexte_emargement(operation, periode, par)
    if not contexte["feuilles"]:
        raise AucuneSeance(f"{operation.code} n'a aucune séance du {periode.debut:%d/%m/%Y} au {periode.fin:%d/%m/%Y}.")
    return rendre("emargement", contexte)


def archive_emargements(operations: list[Operation], periode: Periode, par: str, *, apres_chaque=None) -> tuple[bytes, list[str]]:
    """Un ZIP avec un document par action qui a des séances dans la période ; les autres sont listées à part."""
    sans_seance = []
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for operation in operations:
            try:
                # Un .docx est déjà une archive compressée : le compresser à nouveau coûte sans rien gagner.
                archive.writestr(nom_du_fichier(operation, periode), emargement_docx(operation, periode, par),
                                 compress_type=zipfile.ZIP_STORED)
            except AucuneSeance as absence:
                sans_seance.append(str(absence))
            if apres_chaque:
                apres_chaque()
        if sans_seance:
            archive.writestr("sans-seance.txt", "\n".join(sans_seance) + "\n")
    return tampon.getvalue(), sans_seance
