"""Lectures du circuit d'un appel : pièces, recevabilité calculée, analyses, enveloppe, pipeline."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from annuaire.formats import euros, pourcentage
from annuaire.roles import Role, a_role, roles_de
from operations.bureau import Rubrique, Tache
from operations.models import Operation
from operations.options import Etat

from .models import AppelAProjets, Comite, DemandeComplements, PointOrdreDuJour, Reponse
from .options import Decision, EtatComite

ZERO = Decimal("0.00")


def montant_fse_demande(operation: Operation) -> Decimal:
    """L'aide demandée : celle du plan de l'opération, ou de sa demande figée quand une convention l'a remplacé."""
    return operation.montant_fse_demande


def montant_propose(reponse: Reponse) -> Decimal | None:
    """Le montant FSE proposé par l'instruction : la moyenne des analyses (souvent une seule)."""
    montants = [a.montant_fse_propose for a in reponse.analyses.all()]
    return (sum(montants) / len(montants)).quantize(Decimal("0.01")) if montants else None


def note_moyenne(reponse: Reponse) -> Decimal | None:
    notes = [n for a in reponse.analyses.all() if (n := a.note_ponderee) is not None]
    return (sum(notes) / len(notes)).quantize(Decimal("0.01")) if notes else None


def decision_de(reponse: Reponse) -> PointOrdreDuJour | None:
    """La dernière décision de comité prise sur la réponse (une opération ajournée repasse en comité)."""
    return reponse.points.exclude(decision="").order_by("-decidee_le").first()


def enveloppe_consommee(appel: AppelAProjets, *, sauf_point: PointOrdreDuJour | None = None) -> Decimal:
    """Le FSE voté sur l'appel (dernière décision « programmée » de chaque réponse)."""
    points = PointOrdreDuJour.objects.filter(reponse__appel=appel, decision=Decision.PROGRAMMEE)
    if sauf_point is not None:
        points = points.exclude(pk=sauf_point.pk)
    return points.aggregate(t=Sum("montant_vote"))["t"] or ZERO


@dataclass
class Verification:
    libelle: str
    conforme: bool
    detail: str


def checklist_recevabilite(reponse: Reponse) -> list[Verification]:
    """Ce que l'appel exige, vérifié sur la demande : pièces, période, taux FSE, équilibre du plan, date de dépôt."""
    appel, operation = reponse.appel, reponse.operation
    deposees = {p.piece_requise_id for p in reponse.pieces.all()}
    verifications = [
        Verification(f"Pièce : {piece.libelle}", piece.pk in deposees, "déposée" if piece.pk in deposees else "manquante")
        for piece in appel.pieces_requises.filter(obligatoire=True)
    ]
    dans_bornes = appel.periode_debut_min <= operation.date_debut and operation.date_fin <= appel.periode_fin_max
    verifications.append(Verification(
        "Période de réalisation dans les bornes de l'appel", dans_bornes,
        f"du {operation.date_debut:%d/%m/%Y} au {operation.date_fin:%d/%m/%Y} ; l'appel admet "
        f"du {appel.periode_debut_min:%d/%m/%Y} au {appel.periode_fin_max:%d/%m/%Y}",
    ))
    taux = operation.taux_fse
    verifications.append(Verification(
        "Taux FSE sous le plafond de l'appel", taux is not None and taux * 100 <= appel.taux_fse_max,
        f"{pourcentage(taux) if taux is not None else 'aucune dépense'} pour un maximum de {pourcentage(appel.taux_fse_max / 100)}",
    ))
    depenses, ressources = operation.total_depenses, operation.total_ressources
    verifications.append(Verification(
        "Ressources équilibrant les dépenses", depenses == ressources and depenses > 0,
        f"dépenses {euros(depenses)}, ressources {euros(ressources)}",
    ))
    if reponse.deposee_le:
        a_temps = reponse.deposee_le <= appel.date_limite
        verifications.append(Verification(
            "Déposée avant la date limite", a_temps,
            f"déposée le {timezone.localtime(reponse.deposee_le):%d/%m/%Y à %H:%M}, "
            f"limite le {timezone.localtime(appel.date_limite):%d/%m/%Y à %H:%M}",
        ))
    return verifications


def reponses_de(appel: AppelAProjets, *, user):
    return (
        Reponse.objects.visible_to(user).filter(appel=appel)
        .select_related("operation__porteur", "operation__type")
        .prefetch_related("analyses__notes__critere", "points")
    )


def pipeline(appel: AppelAProjets, *, user) -> dict:
    """Pour la page de l'appel : réponses par état, montants demandés, proposés, votés, enveloppe restante."""
    reponses = list(reponses_de(appel, user=user))
    par_etat = {}
    for reponse in reponses:
        par_etat[reponse.operation.etat] = par_etat.get(reponse.operation.etat, 0) + 1
    demande = sum((montant_fse_demande(r.operation) for r in reponses if r.operation.etat != Etat.BROUILLON), ZERO)
    propose = sum((m for r in reponses if (m := montant_propose(r)) is not None), ZERO)
    vote = enveloppe_consommee(appel)
    return {
        "par_etat": [(Etat(e), par_etat[e]) for e in Etat.values if e in par_etat],
        "demande": demande,
        "propose": propose,
        "vote": vote,
        "reste": appel.enveloppe_fse - vote,
        "nombre": len(reponses),
    }


def comites_visibles(*, user):
    return Comite.objects.visible_to(user).prefetch_related("membres")


def peut_voir_analyses(user) -> bool:
    """Notes, avis et montants proposés : jamais les porteurs ni les référents."""
    return a_role(user, Role.ANIMATION, Role.COMITE, Role.GESTIONNAIRE, Role.ADMINISTRATEUR)


# --- Pour les pages des appels et des réponses ---

def appels_list(*, user):
    """Les appels visibles, avec les réponses que l'utilisateur peut voir (les siennes pour un porteur)."""
    from django.db.models import Prefetch

    return AppelAProjets.objects.visible_to(user).prefetch_related(
        "types",
        Prefetch("reponses", queryset=Reponse.objects.visible_to(user).select_related("operation"), to_attr="reponses_visibles"),
    )


def reponses_tableau(appel: AppelAProjets, *, user):
    """Les réponses visibles de l'appel, avec coût total et FSE demandé calculés en base (tri et export) : ceux de la
    demande figée quand une convention a remplacé le plan de l'opération, sinon ceux du plan."""
    from django.db.models import DecimalField, OuterRef, Subquery, Value
    from django.db.models.fields.json import KeyTextTransform
    from django.db.models.functions import Cast, Coalesce

    from operations.models import LigneDepense, LigneRessource

    montant = DecimalField(max_digits=12, decimal_places=2)

    def somme(modele, demande, **filtre):
        sous = (modele.objects.filter(operation=OuterRef("operation"), **filtre).values("operation")
                .annotate(t=Sum("montant")).values("t"))
        return Coalesce(Cast(KeyTextTransform(demande, "operation__demande"), montant),
                        Subquery(sous, output_field=montant), Value(ZERO, output_field=montant))

    return reponses_de(appel, user=user).annotate(
        cout_total=somme(LigneDepense, "total_depenses"),
        fse_demande=somme(LigneRessource, "montant_fse", financeur__est_fse=True),
    )


def refus_de_reponse(appel: AppelAProjets, *, user) -> str | None:
    """Pourquoi l'utilisateur ne peut pas répondre à l'appel maintenant (None : il le peut)."""
    if not (a_role(user, Role.PORTEUR) and user.structure_id):
        return "Seul un porteur rattaché à une structure peut répondre à un appel à projets."
    if appel.depot_ouvert:
        return None
    if timezone.now() > appel.date_limite:
        return (f"La date limite de dépôt de l'appel « {appel} » était le "
                f"{timezone.localtime(appel.date_limite):%d/%m/%Y à %H:%M} : il n'est plus possible d'y répondre.")
    if timezone.localdate() < appel.date_ouverture:
        return f"Les dépôts de l'appel « {appel} » ouvrent le {appel.date_ouverture:%d/%m/%Y}."
    return f"L'appel « {appel} » n'est pas ouvert aux dépôts ({appel.get_etat_display().lower()})."


# Ce qu'un porteur (ou un référent) peut télécharger parmi les documents de sa réponse : jamais le rapport d'instruction.
NATURES_POUR_LE_PORTEUR = {"accuse_reception", "lettre_notification"}


def documents_visibles(reponse: Reponse, *, user) -> list:
    """Les documents générés de la réponse (accusé, rapport) et les lettres de notification des comités au PV validé."""
    from operations.documents import documents_de

    from .options import EtatComite

    documents = list(documents_de(reponse))
    for point in reponse.points.filter(comite__etat=EtatComite.PV_VALIDE):
        documents += list(documents_de(point, "lettre_notification"))
    if not peut_voir_analyses(user):
        documents = [d for d in documents if d.nature in NATURES_POUR_LE_PORTEUR]
    return sorted(documents, key=lambda d: (d.cree_le, d.pk), reverse=True)


# --- Le bureau (operations.bureau) : compléments attendus, prochain comité, décisions à enregistrer ---

def rubriques_du_bureau(user, aujourdhui) -> list:
    """Porteur : les compléments demandés et leur échéance. Comité : le prochain comité, son dossier et son ordre du
    jour, les décisions à enregistrer (lien vers le comité même). Animation : les compléments attendus et les comités
    à préparer. Trois requêtes au plus."""
    roles, rubriques = roles_de(user), []
    if roles & {Role.PORTEUR, Role.ANIMATION}:
        attendus = (DemandeComplements.objects.filter(repondue_le__isnull=True,
                                                      reponse__in=Reponse.objects.visible_to(user),
                                                      reponse__operation__etat=Etat.INCOMPLETE)
                    .select_related("reponse__operation").order_by("date_limite"))
        porteur = Role.ANIMATION not in roles
        rubriques.append(Rubrique("Compléments demandés", [
            Tache(f"{d.reponse.operation.code} — {d.reponse.operation.intitule}",
                  ("Fournir : " if porteur else "Attendus du porteur : ") + d.objet,
                  reverse("appels_projets:reponse", args=[d.reponse_id]) + "#complements", echeance=d.date_limite)
            for d in attendus], ordre=5))
    if roles & {Role.COMITE, Role.ANIMATION}:
        a_venir = (Comite.objects.visible_to(user).exclude(etat=EtatComite.PV_VALIDE)
                   .annotate(nb_points=Count("points", distinct=True),
                             sans_decision=Count("points", filter=Q(points__decision=""), distinct=True))
                   .order_by("date"))
        taches = []
        for c in a_venir:
            jour = timezone.localtime(c.date).date()
            if c.etat == EtatComite.TENU or (c.etat == EtatComite.CONVOQUE and jour <= aujourdhui):
                if Role.COMITE in roles and c.sans_decision:
                    taches.append(Tache(str(c), f"Enregistrer {c.sans_decision} décision{'s' if c.sans_decision > 1 else ''}",
                                        c.get_absolute_url() + "#decisions", echeance=jour))
                elif Role.COMITE in roles and c.etat == EtatComite.TENU:
                    taches.append(Tache(str(c), "Valider le procès-verbal", c.get_absolute_url() + "#titre-actions",
                                        echeance=jour))
                elif Role.ANIMATION in roles and c.etat == EtatComite.CONVOQUE:
                    taches.append(Tache(str(c), "Déclarer le comité tenu", c.get_absolute_url() + "#titre-actions",
                                        echeance=jour))
            else:
                detail = f"ordre du jour : {c.nb_points} opération{'s' if c.nb_points > 1 else ''}"
                action = ("Préparer l'ordre du jour et convoquer" if Role.ANIMATION in roles and c.etat == EtatComite.PLANIFIE
                          else "Lire le dossier de séance et l'ordre du jour")
                taches.append(Tache(f"{c} — {c.lieu}" if c.lieu else str(c), action,
                                    c.get_absolute_url() + "#ordre-du-jour", echeance=jour, detail=detail))
        rubriques.append(Rubrique("Comités", taches, ordre=5))
    return rubriques
