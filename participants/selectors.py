"""Ce que les participants et les séances mettent sur le bureau de chacun (`operations.bureau`).

Référent : les personnes à revoir (sans étape depuis N semaines, critère de sortie rempli et sortie non proposée,
données FSE incomplètes, entrée ou sortie qui attend la commission) et les séances de la semaine. Porteur : les
séances de la semaine et les feuilles d'émargement à déposer. Animation : tout cela pour le PLIE, les commissions à
tenir et les objectifs sous 90 %. Chaque rubrique coûte un nombre fixe de requêtes, quel que soit le nombre de
participants (les critères de sortie se calculent en Python sur les étapes lues d'un coup).
"""
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Max, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from annuaire.formats import nombre, pourcentage
from annuaire.roles import Role, roles_de
from operations.bureau import Rubrique, Tache
from operations.models import Operation
from operations.options import Etat

from .completude import champs_manquants, incomplets
from .criteres import EtapeLue, verdicts
from .models import Etape, EtatProposition, Participant, PropositionSortie, Seance
from .options import StatutEntree
from .realisation import SEUIL_ALERTE, realisation

LIGNES = 8


def _nom(p: Participant) -> str:
    return f"{p.nom} {p.prenom}"


def _fiche(p) -> str:
    return reverse("participants:fiche", args=[p.pk])


def suivis_par(user):
    """Ceux que l'utilisateur suit : un référent, les siens (ou, s'il n'en a aucun nommément, ceux de sa structure) ;
    l'animation, tous ; un porteur, aucun (il voit les séances, pas les parcours)."""
    roles = roles_de(user)
    visibles = Participant.objects.visible_to(user)
    if Role.ANIMATION in roles:
        return visibles
    if Role.REFERENT in roles:
        siens = visibles.filter(referent=user)
        return siens if siens.exists() else visibles
    return visibles.none()


def sans_etape_depuis(participants, limite: date):
    """En parcours, sans étape commencée ni achevée après `limite` (une étape en cours compte comme récente)."""
    return (participants.entres().filter(date_sortie__isnull=True)
            .annotate(derniere=Coalesce(Max(Coalesce("etapes__date_fin", Value(date.max))), F("date_entree")))
            .filter(derniere__lt=limite))


def sorties_proposables(participants, aujourdhui: date) -> list[tuple[Participant, object]]:
    """Ceux dont un critère de sortie positive est rempli et qui n'ont pas de proposition en attente ; 2 requêtes."""
    en_parcours = (participants.entres().filter(date_sortie__isnull=True)
                   .exclude(propositions_sortie__etat=EtatProposition.PROPOSEE)
                   .prefetch_related(Prefetch("etapes", queryset=Etape.objects.select_related("type")))
                   .only("pk", "nom", "prenom", "date_naissance", "statut_entree"))  # état lu à la construction
    trouves = []
    for p in en_parcours:
        etapes = [EtapeLue(e.type.code, e.date_debut, e.date_fin, e.type.libelle) for e in p.etapes.all()]
        if etapes and (remplis := verdicts(etapes, p.date_naissance, aujourdhui)):
            trouves.append((p, min(remplis, key=lambda v: v.rempli_le)))
    return trouves


def _revue(user, aujourdhui: date, participants) -> list[Rubrique]:
    semaines = settings.PARTICIPANTS_SEMAINES_SANS_ETAPE
    sans_etape = sans_etape_depuis(participants, aujourdhui - timedelta(weeks=semaines)).order_by("derniere", "nom")
    rubriques = [Rubrique(
        f"Sans étape depuis {semaines} semaines",
        [Tache(_nom(p), "Noter la prochaine étape du parcours", _fiche(p) + "#titre-etapes",
               depuis=p.derniere if p.derniere != date.max else None) for p in sans_etape[:LIGNES]],
        total=sans_etape.count(), ordre=20,
        aide=f"Personnes en parcours dont la dernière étape s'est achevée il y a plus de {semaines} semaines.")]
    proposables = sorted(sorties_proposables(participants, aujourdhui), key=lambda pv: pv[1].rempli_le)
    rubriques.append(Rubrique(
        "Sortie positive possible, non proposée",
        [Tache(_nom(p), f"Proposer la sortie (« {v.critere.libelle} »)", _fiche(p) + "#titre-criteres",
               depuis=v.rempli_le) for p, v in proposables[:LIGNES]],
        total=len(proposables), ordre=25, aide="Le critère d'une sortie positive est rempli depuis la date indiquée."))
    manques = incomplets(participants.entres()).order_by("date_entree", "nom")
    rubriques.append(Rubrique(
        "Données FSE incomplètes",
        [Tache(_nom(p), "Compléter : " + ", ".join(champs_manquants(p)), reverse("participants:modifier", args=[p.pk]),
               depuis=p.date_entree) for p in manques[:LIGNES]],
        total=manques.count(), tout_voir=reverse("participants:completude"), ordre=30))
    return rubriques


def _en_commission(user, participants) -> list[Rubrique]:
    """Pour le référent, ce qui attend la commission (pour suivre) ; pour l'animation, la commission à tenir."""
    animation = Role.ANIMATION in roles_de(user)
    orientes = participants.filter(statut_entree=StatutEntree.ORIENTE).order_by("cree_le")
    propositions = (PropositionSortie.objects.filter(participant__in=participants, etat=EtatProposition.PROPOSEE)
                    .select_related("participant", "motif").order_by("proposee_le"))
    entree, sortie = reverse("participants:commission_entree"), reverse("participants:commission")
    return [
        Rubrique("Entrées en attente de la commission",
                 [Tache(_nom(p), "Décider l'entrée" if animation else "Attendre la commission d'entrée",
                        entree if animation else _fiche(p), depuis=p.cree_le.date()) for p in orientes[:LIGNES]],
                 total=orientes.count(), tout_voir=entree if animation else "", ordre=15 if animation else 40),
        Rubrique("Sorties proposées en attente de la commission",
                 [Tache(_nom(s.participant), ("Décider la sortie" if animation else "Attendre la commission de sortie")
                        + f" ({s.motif.libelle})", sortie if animation else _fiche(s.participant),
                        depuis=s.proposee_le.date()) for s in propositions[:LIGNES]],
                 total=propositions.count(), tout_voir=sortie if animation else "", ordre=15 if animation else 40),
    ]


def _structure_ou_plie(user, operations):
    if Role.ANIMATION in roles_de(user):
        return operations
    return operations.filter(porteur_id=user.structure_id) if user.structure_id else operations.none()


def seances_de_la_semaine(user, aujourdhui: date):
    """Les séances de la semaine (lundi à dimanche) des actions de la structure, ou où ses suivis sont inscrits."""
    lundi = aujourdhui - timedelta(days=aujourdhui.weekday())
    operations = Operation.objects.visible_to(user)
    seances = Seance.objects.filter(date__range=(lundi, lundi + timedelta(days=6)), operation__in=operations)
    if Role.ANIMATION not in roles_de(user):
        suivis = Participant.objects.visible_to(user)
        seances = seances.filter(Q(operation__porteur_id=user.structure_id) | Q(inscrits__in=suivis)).distinct()
    return seances.select_related("operation").order_by("date", "demi_journee")


def feuilles_a_deposer(user, aujourdhui: date):
    """Les séances passées des actions que la structure tient, dont la feuille signée n'est pas déposée."""
    operations = _structure_ou_plie(user, Operation.objects.visible_to(user))
    return (Seance.objects.filter(operation__in=operations, date__lt=aujourdhui, feuille_signee="")
            .select_related("operation").order_by("date", "demi_journee"))


def _seance(s: Seance, action: str, **dates) -> Tache:
    return Tache(f"{s.operation.code} — {s.date:%d/%m/%Y}, {s.get_demi_journee_display().lower()}", action,
                 reverse("participants:seances", args=[s.operation.code]) + f"?seance={s.pk}#seance-{s.pk}", **dates)


def objectifs_sous_le_seuil(user, aujourdhui: date) -> list[Tache]:
    """Les objectifs des opérations en réalisation dont la projection reste sous 90 % de la cible. Une lecture de la
    réalisation par opération en cours (une poignée), jamais par participant."""
    taches = []
    for operation in Operation.objects.visible_to(user).filter(etat=Etat.EN_REALISATION).select_related("type"):
        for r in realisation(operation, au=aujourdhui):
            if r.alerte:
                taches.append(Tache(f"{operation.code} — {r.indicateur}",
                                    f"Projection {nombre(r.projection)} pour une cible de {nombre(r.cible)} {r.unite}".strip(),
                                    operation.get_absolute_url() + "#titre-realisation", echeance=operation.date_fin))
    return taches


def rubriques_du_bureau(user, aujourdhui: date) -> list[Rubrique]:
    roles = roles_de(user)
    rubriques = []
    if roles & {Role.REFERENT, Role.ANIMATION}:
        participants = suivis_par(user)
        rubriques += _en_commission(user, participants) + _revue(user, aujourdhui, participants)
    if roles & {Role.REFERENT, Role.PORTEUR, Role.ANIMATION}:
        semaine = list(seances_de_la_semaine(user, aujourdhui))
        rubriques.append(Rubrique("Séances de la semaine", [_seance(s, "Noter les présences", echeance=s.date)
                                                             for s in semaine], ordre=35))
    if roles & {Role.PORTEUR, Role.ANIMATION}:
        feuilles = feuilles_a_deposer(user, aujourdhui)
        rubriques.append(Rubrique("Feuilles d'émargement à déposer",
                                  [_seance(s, "Déposer la feuille signée", depuis=s.date) for s in feuilles[:LIGNES]],
                                  total=feuilles.count(), ordre=45))
    if Role.ANIMATION in roles:
        rubriques.append(Rubrique(f"Objectifs sous {pourcentage(SEUIL_ALERTE, 0)}", objectifs_sous_le_seuil(user, aujourdhui),
                                  ordre=60, aide="Projection en fin d'opération au rythme constaté."))
    return rubriques
