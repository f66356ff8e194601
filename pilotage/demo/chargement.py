"""Le chargement de la démonstration en base, par les services métier.

Les données viennent des fichiers de `donnees/` (lus par `acteurs`, `appels`, `programmation`...) ; ici, seulement
ce qui fait vivre les opérations (création, chemin dans la machine à états, historique antidaté), dans l'ordre :
acteurs, appels (`comites`), opérations, séances des comités, conventions, participants, séances, dates.

Les réponses aux appels suivent le circuit réel : pièces déposées, vérifications, compléments, analyse, puis
décision en séance de comité et validation du PV, qui font passer l'opération dans l'état décidé.
"""
import logging
import time as chrono
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify
from django_fsm_log.models import StateLog

from annuaire.models import Financeur, Utilisateur
from annuaire.roles import Role
from appels_projets.models import Comite, DemandeComplements, PointOrdreDuJour, Reponse
from appels_projets.selectors import montant_fse_demande
from appels_projets.services import (
    analyse_enregistrer, complements_demander, complements_fournir, piece_deposer, piece_retirer, reponse_creer,
    verification_enregistrer,
)
from conventions.models import Convention
from operations.models import (
    DocumentGenere, Indicateur, LigneDepense, LigneRessource, Notification, Objectif, Operation, TypeOperation,
)
from operations.options import Etat
from operations.services import operation_creer, operation_transition

from . import conventions
from .aides import charger_aides_2016, charger_aides_2017
from .acteurs import COMPTES, PORTEURS, creer_comptes, creer_membres, creer_structures
from .appels import (
    DELAI_COMPLEMENTS, ECARTS, PIECES_MANQUANTES, PIECES_REQUISES, REPONSES_AUX_COMPLEMENTS, VERIFICATIONS, analyse_de,
    piece_pdf,
)
from .bilans import TRANSITION_DU_BILAN, avancer_par_le_bilan, dater_bilans
from .comites import fermer_appels, publier_appels, tenir_comites
from .clauses import charger_clauses
from .lecture import PARIS
from .lettres import charger_lettres, dater_lettres
from .participants import charger_participants
from .programmation import (
    DECISIONS_DU_COMITE, MOTIVATIONS, PAR_LE_PORTEUR, PAR_ROLE, OperationDemo, calendrier, chemin, comite_qui_decide,
    operations_de_demo,
)
from .questionnaire import completer_questionnaires
from .resume import lignes_de_resume, resume
from .seances import INTITULE as SEANCES_INTITULE
from .seances import charger_seances


class DemoRefusee(Exception):
    """La démonstration ne se charge pas ici ; le message dit pourquoi."""


# --- Chargement ---

def _referentiel():
    financeurs = {f.code: f for f in Financeur.objects.all()}
    types = {t.code: t for t in TypeOperation.objects.all()}
    indicateurs = {i.code: i for i in Indicateur.objects.all()}
    if not ({"FSE", "METROPOLE", "DEPARTEMENT", "ETAT", "AUTOFINANCEMENT"} <= financeurs.keys() and types and indicateurs):
        raise DemoRefusee("Le référentiel n'est pas chargé : lancez d'abord « manage.py migrate ».")
    return financeurs, types, indicateurs


def _creer_operation(op: OperationDemo, *, porteur, createur, financeurs, types, indicateurs, appel=None) -> Operation:
    """Une réponse à un appel naît par `reponse_creer` (opération liée à l'appel dès le brouillon), les autres par
    `operation_creer` ; le plan de financement et les objectifs sont ensuite saisis comme sur la fiche."""
    champs = {"intitule": op.intitule, "date_debut": op.periode[0], "date_fin": op.periode[1], "description": op.description}
    if appel is not None:
        operation = reponse_creer(appel=appel, user=createur, type_operation=types[op.type], **champs).operation
    else:
        operation = operation_creer(user=createur, porteur=porteur, type=types[op.type], **champs)
    depenses, ressources = op.financement
    LigneDepense.objects.bulk_create(
        LigneDepense(operation=operation, categorie=c, libelle=libelle, montant=m) for c, libelle, m in depenses
    )
    LigneRessource.objects.bulk_create(
        LigneRessource(operation=operation, financeur=financeurs[code], montant=m) for code, m in ressources
    )
    Objectif.objects.bulk_create(
        Objectif(operation=operation, indicateur=indicateurs[code], valeur_cible=Decimal(v)) for code, v in op.objectifs.items()
    )
    return operation


def _heure(jour: date, rang: int) -> datetime:
    # Des heures de bureau variées, toujours les mêmes d'un chargement à l'autre.
    return datetime.combine(jour, time(9 + (rang * 3) % 8, (rang * 17) % 60), tzinfo=PARIS)


@dataclass
class _Vie:
    """Une opération de la démonstration le long de son chemin, tiré en plusieurs fois (avant et après comité)."""

    op: OperationDemo
    operation: Operation
    createur: Utilisateur
    noms: list[str]
    jours: list[date]
    reponse: Reponse | None = None
    faites: int = 0  # transitions du chemin déjà tirées
    decision_le: datetime | None = None  # fin de la séance qui l'a décidée (réponse à un appel)
    demande: DemandeComplements | None = None
    piece_en_complement: int | None = None
    convention: Convention | None = None
    aides_chargees: bool = False

    @property
    def attend_le_comite(self) -> bool:
        return self.reponse is not None and self.faites < len(self.noms) and self.noms[self.faites] in DECISIONS_DU_COMITE

    @property
    def attend_les_aides(self) -> bool:
        """Une enveloppe souple ne dépose son bilan qu'une fois ses aides payées (il les reprend avec leurs factures)."""
        return (self.op.type == "ENVELOPPE_SOUPLE" and not self.aides_chargees and self.faites < len(self.noms)
                and self.noms[self.faites] == "deposer_bilan")


def _deposer_pieces(vie: _Vie, libelles: list[str]) -> list[int]:
    """Le porteur dépose ses pièces, contrôlées par leur contenu comme celles de la page de dépôt."""
    structure = str(vie.operation.porteur)
    deposees = []
    for piece in vie.reponse.appel.pieces_requises.filter(libelle__in=libelles):
        contenu = piece_pdf(piece.libelle, [structure, f"{vie.operation.code} — {vie.operation.intitule}",
                                            "Pièce de démonstration : elle tient la place du document signé."])
        fichier = ContentFile(contenu, name=f"{slugify(piece.libelle)[:60]}-{slugify(structure)}.pdf")
        deposees.append(piece_deposer(reponse=vie.reponse, fichier=fichier, user=vie.createur, piece_requise=piece).pk)
    return deposees


def _etape_de_la_reponse(vie: _Vie, nom: str, *, animation) -> bool:
    """Ce que le circuit de l'appel ajoute autour d'une transition ; vrai s'il l'a tirée lui-même."""
    op, reponse = vie.op, vie.reponse
    if nom in ("demander_complements", "declarer_recevable", "declarer_irrecevable") and not reponse.verifications.exists():
        ecarts = ECARTS.get(op.intitule, {})
        for libelle in VERIFICATIONS:
            verification_enregistrer(reponse=reponse, libelle=libelle, conforme=libelle not in ecarts,
                                     commentaire=ecarts.get(libelle, ""), user=animation)
    if nom == "deposer" and op.intitule in PIECES_MANQUANTES:
        # Le dépôt exige chaque pièce obligatoire : celle-ci est jointe, mais ce n'est pas la bonne (non signée,
        # périmée) ; le porteur la retire quand les compléments la redemandent.
        _deposer_pieces(vie, [PIECES_MANQUANTES[op.intitule]])
        return False
    if nom == "demander_complements":
        # Le service veut une échéance à venir ; elle est ramenée à sa date de 2015-2017 avec l'historique.
        vie.demande = complements_demander(reponse=reponse, objet=op.motivations["demander_complements"],
                                           date_limite=timezone.localdate() + DELAI_COMPLEMENTS, user=animation)
        if op.intitule in PIECES_MANQUANTES:
            piece_retirer(piece=reponse.pieces.get(piece_requise__libelle=PIECES_MANQUANTES[op.intitule]),
                          user=vie.createur)
        return True
    if nom == "completer":
        if op.intitule in PIECES_MANQUANTES:
            vie.piece_en_complement = _deposer_pieces(vie, [PIECES_MANQUANTES[op.intitule]])[0]
        complements_fournir(reponse=reponse, texte=REPONSES_AUX_COMPLEMENTS[op.intitule], user=vie.createur)
        return True
    if nom == "clore_instruction":
        analyse = analyse_de(op)
        criteres = list(reponse.appel.criteres.all())
        remarques = [*analyse.remarques, *[""] * len(criteres)]
        analyse_enregistrer(
            reponse=reponse, user=animation, avis=analyse.avis, commentaire=analyse.synthese,
            montant_fse_propose=montant_fse_demande(vie.operation) if analyse.propose is None else analyse.propose,
            notes={c: (note, remarques[i]) for i, (c, note) in enumerate(zip(criteres, analyse.notes, strict=True))},
        )
    return False


def _avancer(vie: _Vie, *, par_role):
    """Tire le chemin avec le compte du bon rôle, jusqu'au comité qui décide d'une réponse, ou jusqu'au bout."""
    animation = par_role[Role.ANIMATION]
    while vie.faites < len(vie.noms) and not vie.attend_le_comite and not vie.attend_les_aides:
        nom, jour = vie.noms[vie.faites], vie.jours[vie.faites]
        if nom == "conventionner":  # par le cycle de signature : la notification conventionne l'opération
            vie.convention = conventions.conventionner(vie.operation, animation=animation, porteur=vie.createur, jour=jour)
            vie.operation = Operation.objects.get(pk=vie.operation.pk)  # conventionnée en base par la notification
        elif nom in TRANSITION_DU_BILAN:  # par le bilan final, que le porteur dépose et le gestionnaire contrôle
            avancer_par_le_bilan(vie.operation, nom, porteur=vie.createur, gestionnaire=par_role[Role.GESTIONNAIRE],
                                 motivation=_motivation(vie, nom, jour), jour=jour)
            vie.operation = Operation.objects.get(pk=vie.operation.pk)
        elif vie.reponse is None or not _etape_de_la_reponse(vie, nom, animation=animation):
            utilisateur = vie.createur if nom in PAR_LE_PORTEUR else par_role[PAR_ROLE[nom]]
            operation_transition(operation=vie.operation, nom=nom, user=utilisateur, motivation=_motivation(vie, nom, jour))
        vie.faites += 1


def _motivation(vie: _Vie, nom: str, jour: date) -> str:
    if nom == "programmer":  # hors appel seulement : une réponse est programmée par le PV de sa séance
        return f"Avis favorable du comité de pilotage du {jour:%d/%m/%Y}."
    if nom == "clore_instruction" and vie.reponse is not None:
        comite = comite_qui_decide(jour)
        return ("Analyse saisie : " + (f"dossier transmis au comité de programmation du {comite.date:%d/%m/%Y}."
                                       if comite else "la demande peut être inscrite à l'ordre du jour d'un comité."))
    return vie.op.motivations.get(nom) or MOTIVATIONS.get(nom, "")


def _antidater(vie: _Vie, rang: int) -> int:
    """L'historique prend les dates du calendrier ; une décision de comité, l'heure de validation du PV."""
    if vie.operation.etat != vie.op.etat:
        raise RuntimeError(f"{vie.operation.code} : état {vie.operation.etat} au lieu de {vie.op.etat}.")
    moments = []
    for nom, jour in zip(vie.noms, vie.jours):
        moments.append(vie.decision_le if nom in DECISIONS_DU_COMITE and vie.reponse else _heure(jour, rang))
        rang += 1
    journal = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Operation), object_id=vie.operation.pk
    ).order_by("pk")
    for pk, moment in zip(journal.values_list("pk", flat=True), moments):
        StateLog.objects.filter(pk=pk).update(timestamp=moment)
    creee = _heure(vie.op.depuis - timedelta(days=6), rang)
    modifiee = moments[-1] if moments else _heure(vie.op.depuis, rang)
    Operation.objects.filter(pk=vie.operation.pk).update(cree_le=creee, modifiee_le=modifiee)
    if vie.reponse is not None:
        _antidater_reponse(vie, dict(zip(vie.noms, moments)), preparee=_heure(vie.op.depuis - timedelta(days=1), rang))
    if "deposer_bilan" in vie.noms:
        dater_bilans(vie.operation, dict(zip(vie.noms, moments)))
    return rang + 1


def _antidater_reponse(vie: _Vie, moments: dict[str, datetime], *, preparee: datetime):
    """Pièces, dépôt, vérifications, compléments et analyse prennent la date de l'étape à laquelle ils appartiennent."""
    reponse = vie.reponse
    pieces = reponse.pieces.all()
    if vie.piece_en_complement:
        pieces.filter(pk=vie.piece_en_complement).update(deposee_le=moments["completer"] - timedelta(hours=1))
        pieces = pieces.exclude(pk=vie.piece_en_complement)
    pieces.update(deposee_le=preparee)
    if "deposer" in moments:
        Reponse.objects.filter(pk=reponse.pk).update(deposee_le=moments["deposer"])
    recevabilite = next((moments[n] for n in ("demander_complements", "declarer_recevable", "declarer_irrecevable")
                         if n in moments), None)
    if recevabilite:
        reponse.verifications.update(le=recevabilite - timedelta(minutes=30))
    if vie.demande is not None:
        demandee_le = moments["demander_complements"]
        echeance = demandee_le.date() + DELAI_COMPLEMENTS
        DemandeComplements.objects.filter(pk=vie.demande.pk).update(
            demandee_le=demandee_le, date_limite=echeance, repondue_le=moments.get("completer"))
        StateLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Operation), object_id=vie.operation.pk,
            transition="demander_complements",
        ).update(description=f"{vie.demande.objet} (avant le {echeance:%d/%m/%Y})")
    if "clore_instruction" in moments:
        # L'analyse est saisie pendant l'instruction, à mi-chemin entre son ouverture et sa clôture.
        debut, fin = moments["instruire"], moments["clore_instruction"]
        reponse.analyses.update(modifiee_le=datetime.combine((debut + (fin - debut) / 2).date(), time(15, 40), tzinfo=PARIS))


def _dater_documents(fins_de_seance: dict[int, datetime]):
    """Accusés, PV et lettres (produits après commit) prennent la date du dépôt ou de la séance qui les a fait naître."""
    documents = DocumentGenere.objects.all()
    documents.filter(content_type=ContentType.objects.get_for_model(Reponse), nature="accuse_reception").update(
        cree_le=Subquery(Reponse.objects.filter(pk=OuterRef("object_id")).values("deposee_le")[:1])
    )
    type_point = ContentType.objects.get_for_model(PointOrdreDuJour)
    for comite_id, fin in fins_de_seance.items():
        documents.filter(content_type=ContentType.objects.get_for_model(Comite), object_id=comite_id).update(cree_le=fin)
        points = PointOrdreDuJour.objects.filter(comite_id=comite_id).values_list("pk", flat=True)
        documents.filter(content_type=type_point, object_id__in=list(points)).update(cree_le=fin)


def _dater_notifications(operation_ids: list[int]):
    """Les avis prennent la date du changement d'état ; seul celui du dernier changement de chaque opération reste à lire."""
    avis = Notification.objects.filter(operation_id__in=operation_ids)
    avis.update(creee_le=Subquery(StateLog.objects.filter(pk=OuterRef("journal_id")).values("timestamp")[:1]))
    dernier = (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Operation), object_id=OuterRef("operation_id"))
        .order_by("-timestamp", "-pk")
        .values("pk")[:1]
    )
    avis.exclude(journal_id=Subquery(dernier)).update(lue=True)


def _charger():
    financeurs, types, indicateurs = _referentiel()
    structures = creer_structures()
    comptes = creer_comptes(structures)
    creer_membres(comptes)
    par_role = {Role(c["role"]): comptes[c["identifiant"]] for c in COMPTES}
    animation = par_role[Role.ANIMATION]
    appels = publier_appels(types, animation=animation)

    # Toutes les demandes d'abord, dans l'ordre qui fixe leurs codes, les réponses liées à leur appel dès le brouillon.
    vies = []
    for op in operations_de_demo():
        createur = comptes[PORTEURS[op.porteur]["identifiant"]]
        operation = _creer_operation(op, porteur=structures[op.porteur], createur=createur, financeurs=financeurs,
                                     types=types, indicateurs=indicateurs, appel=appels.get(op.appel))
        noms = chemin(op)
        vie = _Vie(op, operation, createur, noms, calendrier(op, noms), getattr(operation, "reponse_appel", None))
        if vie.reponse is not None:
            _deposer_pieces(vie, [p for p in PIECES_REQUISES if p != PIECES_MANQUANTES.get(op.intitule)])
        vies.append(vie)
    # Chacune avance jusqu'au comité qui la décide (réponse à un appel) ou au bout de son chemin ; les séances
    # décident ; les programmées poursuivent (convention, réalisation, bilan).
    for vie in vies:
        _avancer(vie, par_role=par_role)
    fins_de_seance = tenir_comites(vies, comptes=comptes, animation=animation)
    for vie in vies:
        _avancer(vie, par_role=par_role)
    # Les programmées attendent la signature de leur porteur ; deux avenants, l'un notifié, l'autre envoyé.
    for vie in vies:
        if vie.op.etat == Etat.PROGRAMMEE:
            vie.convention = conventions.conventionner(vie.operation, animation=animation, porteur=vie.createur,
                                                       jour=vie.jours[-1], jusqu_a="envoyer")
    avenants = [(a, conventions.amender(a, animation=animation)) for a in conventions.AVENANTS]
    charger_participants(structures)
    charger_clauses()
    completer_questionnaires()
    # Les aides de l'enveloppe souple (des participants suivis par leurs référents), puis le bilan de l'enveloppe.
    charger_aides_2016(animation)
    charger_aides_2017(animation)
    for vie in vies:
        if vie.attend_les_aides:
            vie.aides_chargees = True
            _avancer(vie, par_role=par_role)
    formation = next(v for v in vies if v.op.intitule == SEANCES_INTITULE)
    charger_seances(formation.operation, formation.createur)

    rang = 0
    for vie in vies:
        rang = _antidater(vie, rang)
        if vie.convention is not None:
            notifiee = vie.jours[vie.noms.index("conventionner")] if "conventionner" in vie.noms else None
            conventions.dater(vie.convention, notifiee, genere_le=vie.jours[-1] + timedelta(days=7))
    for a, avenant in avenants:
        conventions.dater(avenant, a.le + timedelta(days=30) if a.jusqu_a == "notifier" else None, genere_le=a.le)
    fermer_appels(appels, animation=animation)
    lettres = charger_lettres(animation)  # lues des données du jour : après les participants et les séances
    dater_lettres(lettres)
    # Enregistrés après les tâches (avis, accusés, PV et lettres, mises en file à chaque étape) : ils passent après elles.
    creees = [vie.operation.pk for vie in vies]
    transaction.on_commit(lambda: _dater_notifications(creees))
    transaction.on_commit(lambda: _dater_documents(fins_de_seance))
    transaction.on_commit(lambda: dater_lettres(lettres))  # après leur distribution (tâches mises en file au commit)


@contextmanager
def _sans_bruit():
    """Ni courriels vers les adresses fictives des comptes, ni des centaines de lignes de journal avant le résumé."""
    niveaux = {"celery": logging.WARNING, "operations.tasks": logging.WARNING, "appels_projets.tasks": logging.WARNING,
               "conventions.tasks": logging.WARNING, "kombu": logging.ERROR}
    avant = {nom: logging.getLogger(nom).level for nom in niveaux}
    for nom, niveau in niveaux.items():
        logging.getLogger(nom).setLevel(niveau)
    try:
        # Pas de PDF pendant le chargement : des dizaines de conversions LibreOffice le rendraient lent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PDF_AUTOMATIQUE=False):
            yield
    finally:
        for nom, niveau in avant.items():
            logging.getLogger(nom).setLevel(niveau)


def deja_chargee() -> bool:
    return Utilisateur.objects.filter(username="animation").exists()


def charger_demo(stdout=None, *, force: bool = False) -> dict:
    """Charge la démonstration si elle ne l'est pas déjà, et renvoie (et affiche) son résumé."""
    if not settings.DEBUG and not force:
        raise DemoRefusee(
            "Les comptes de démonstration ne doivent jamais exister dans une installation réelle "
            "(mot de passe « demo ») : DEBUG est faux. Lancez avec DEBUG=1, ou --force en connaissance de cause."
        )
    debut = chrono.monotonic()
    deja = deja_chargee()
    if not deja:
        # Les avis (créés après la validation, dans le processus) restent dans l'application.
        with _sans_bruit(), transaction.atomic():
            _charger()
    donnees = resume(deja_chargee=deja, duree=chrono.monotonic() - debut)
    if stdout is not None:
        for ligne in lignes_de_resume(donnees):
            stdout.write(ligne + "\n")
    return donnees


