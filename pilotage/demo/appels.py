"""Les appels à projets de la démonstration (`donnees/appels.yaml`) : les trois appels 2016 du rapport d'activité
(« Appels à projets 2016 »), deux appels 2017 tirés de ses perspectives, ce que l'équipe d'animation vérifie, demande
et note ; les séances des comités (`donnees/comites.yaml`) ; et les pièces (de petits PDF) que les porteurs déposent.

Quelle opération répond à quel appel se lit dans `donnees/operations.yaml` (champ `appel` de chaque opération, la
clé d'un appel) ; ici, les appels eux-mêmes et ce qui se passe autour des réponses.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from appels_projets.options import Avis, EtatAppel, EtatComite, TypeComite

from .lecture import lire, moment

_A = lire("appels")
_C = lire("comites")
PIECES_REQUISES = _A["pieces_requises"]
VERIFICATIONS = _A["verifications"]
ECARTS = _A["ecarts"]  # {intitulé de l'opération: {vérification non conforme: commentaire}}
PIECES_MANQUANTES = _A["pieces_manquantes"]  # {intitulé: la pièce obligatoire absente au dépôt}
DELAI_COMPLEMENTS = timedelta(days=_A["delai_complements_jours"])
REPONSES_AUX_COMPLEMENTS = _A["reponses_aux_complements"]  # une demande sans réponse ici attend encore


@dataclass
class AppelDemo:
    cle: str
    titre: str
    annee: int
    types: list[str]
    cahier_des_charges: str
    enveloppe_fse: Decimal
    cofinancement_attendu: Decimal
    ouverture: date
    limite: datetime | None  # None : l'appel reste ouvert, sa date limite suit l'horloge réelle (voir comites)
    periode: tuple[date, date]
    grille: list[tuple[str, int]]
    etat: str  # l'état où la démonstration le laisse
    cloture_le: datetime | None = None
    taux_fse_max: Decimal = Decimal("50.00")


def _appel(a: dict) -> AppelDemo:
    return AppelDemo(
        a["cle"], a["titre"], a["annee"], a["types"], a["cahier_des_charges"], Decimal(a["enveloppe_fse"]),
        Decimal(a["cofinancement_attendu"]), a["ouverture"], moment(a["limite"]), tuple(a["periode"]),
        [(c["critere"], c["poids"]) for c in _A["grilles"][a["grille"]]], EtatAppel(a["etat"]),
        moment(a.get("cloture_le")), Decimal(a.get("taux_fse_max", "50.00")),
    )


APPELS = [_appel(a) for a in _A["appels"]]


# --- Analyse : une par réponse instruite, par la coordinatrice ---

@dataclass
class AnalyseDemo:
    notes: tuple[int, ...]  # une note sur 5 par critère, dans l'ordre de la grille
    avis: str
    synthese: str
    remarques: tuple[str, ...] = ()  # un commentaire par critère (vides s'il en manque)
    propose: Decimal | None = None  # montant FSE proposé ; None : le montant demandé


def _analyse(a: dict) -> AnalyseDemo:
    propose = a.get("propose")
    return AnalyseDemo(tuple(a["notes"]), Avis(a["avis"]), a["synthese"], tuple(a.get("remarques", ())),
                       None if propose is None else Decimal(propose))


ANALYSES = {intitule: _analyse(a) for intitule, a in _A["analyses"].items()}


def analyse_de(op) -> AnalyseDemo:
    """L'analyse d'une réponse (`op` : une OperationDemo) ; celles du portage se ressemblent, au volume près."""
    if op.intitule in ANALYSES:
        return ANALYSES[op.intitule]
    if op.type != "PORTAGE_REFERENTS":
        raise KeyError(f"Aucune analyse de démonstration pour « {op.intitule} ».")
    portage = _A["analyse_du_portage"]
    ecart = portage["ecarts"][sum(map(ord, op.porteur)) % len(portage["ecarts"])]
    return AnalyseDemo(tuple(4 + e for e in ecart), Avis(portage["avis"]),
                       portage["synthese"].format(porteur=op.porteur, **op.objectifs), tuple(portage["remarques"]))


# --- Comités ---

@dataclass
class ComiteDemo:
    """Une séance. L'ordre du jour d'un comité tenu : les réponses que leur calendrier fait décider ce jour-là ;
    celui d'un comité seulement convoqué : les réponses instruites qui attendent une décision."""

    date: datetime  # ouverture de la séance
    convocation: datetime
    etat: str
    lieu: str
    type: str
    membres: list[str]
    duree: timedelta  # le PV est validé en fin de séance

    @property
    def fin(self) -> datetime:
        return self.date + self.duree


def _comite(c: dict) -> ComiteDemo:
    seance = {**_C["seance"], **c}
    return ComiteDemo(moment(seance["date"]), moment(seance["convocation"]), EtatComite(seance["etat"]), seance["lieu"],
                      TypeComite(seance["type"]), seance["membres"], timedelta(hours=seance["duree_heures"]))


COMITES = [_comite(c) for c in _C["comites_de_programmation"]]
ECART_ENTRE_DECISIONS = timedelta(minutes=_C["minutes_entre_decisions"])
# Les comités de pilotage qui programment les opérations hors appel (prestations achetées, animation, enveloppe
# souple) ; les réponses aux appels passent par les séances de COMITES, avec leur ordre du jour et leur PV.
COMITES_DE_PILOTAGE = _C["comites_de_pilotage"]


# --- Pièces déposées : un PDF d'une page qui dit ce qu'il remplace ---

def _texte_pdf(texte: str) -> bytes:
    return texte.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def piece_pdf(titre: str, lignes: list[str]) -> bytes:
    """Un PDF d'une page, valide (table de renvois exacte) : la démonstration n'a pas les vraies pièces."""
    flux = b"BT /F1 16 Tf 56 770 Td (" + _texte_pdf(titre) + b") Tj /F1 11 Tf"
    for ligne in lignes:
        flux += b" 0 -22 Td (" + _texte_pdf(ligne) + b") Tj"
    flux += b" ET"
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
    ]
    pdf, positions = bytearray(b"%PDF-1.4\n"), []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(pdf))
        pdf += b"%d 0 obj\n" % numero + corps + b"\nendobj\n"
    renvois = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % p for p in positions)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, renvois)
    return bytes(pdf)
