"""Les appels à projets et les comités de la démonstration en base, par les services : appels publiés puis refermés
à leur date, séances avec leur ordre du jour, leurs décisions et leur PV (données : `appels`)."""
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_fsm_log.models import StateLog

from appels_projets.models import AppelAProjets, Comite, CritereAnalyse, PieceRequise, PointOrdreDuJour
from appels_projets.options import TRANSITION_DE_LA_DECISION, Decision, EtatAppel, EtatComite
from appels_projets.selectors import montant_propose
from appels_projets.services import (
    appel_transition, appels_clore_echus, comite_transition, comite_valider_pv, decision_enregistrer, point_ajouter,
)
from operations.models import Operation
from operations.options import Etat
from operations.programmes import programme_pour

from .acteurs import MEMBRE_QUI_DECIDE
from .appels import APPELS, COMITES, ECART_ENTRE_DECISIONS, PIECES_REQUISES
from .lecture import PARIS

DECISION_DE_LA_TRANSITION = {transition: decision for decision, transition in TRANSITION_DE_LA_DECISION.items()}


def publier_appels(types, *, animation) -> dict[str, AppelAProjets]:
    """Les appels sont publiés avant que les porteurs y répondent.

    Les services comparent la date limite à l'horloge réelle : tant que les réponses sont déposées, chaque appel
    garde une date limite à venir ; `fermer_appels` lui rend ensuite la sienne (2015-2017) et le referme.
    """
    provisoire = timezone.now() + timedelta(days=1)
    appels = {}
    for a in APPELS:
        appel = AppelAProjets(
            titre=a.titre, annee=a.annee, cahier_des_charges=a.cahier_des_charges, enveloppe_fse=a.enveloppe_fse,
            cofinancement_attendu=a.cofinancement_attendu, date_ouverture=a.ouverture,
            date_limite=provisoire if a.limite else _limite_ouverte(), periode_debut_min=a.periode[0],
            periode_fin_max=a.periode[1], taux_fse_max=a.taux_fse_max, cree_par=animation,
            programme=programme_pour(a.periode[0]),
        )
        appel.full_clean(exclude=["etat"])  # champ protégé : django-fsm refuse qu'on le réécrive, même à l'identique
        appel.save()
        appel.types.set([types[code] for code in a.types])
        PieceRequise.objects.bulk_create(PieceRequise(appel=appel, libelle=libelle, ordre=i)
                                         for i, libelle in enumerate(PIECES_REQUISES, start=1))
        CritereAnalyse.objects.bulk_create(CritereAnalyse(appel=appel, libelle=libelle, poids=poids, ordre=i)
                                           for i, (libelle, poids) in enumerate(a.grille, start=1))
        appels[a.cle] = appel_transition(appel=appel, nom="publier", user=animation)
    return appels


def _limite_ouverte() -> datetime:
    """L'appel encore ouvert fin juin 2017 doit l'être aussi pour qui essaie la démonstration aujourd'hui (`porteur`
    y dépose OP-2017-011) : sa date limite suit l'horloge réelle, seule date qui ne se lit pas en 2017."""
    return datetime.combine(timezone.localdate() + timedelta(days=365), time(12), tzinfo=PARIS)


def tenir_comites(vies: list, *, comptes, animation) -> dict[int, datetime]:
    """Chaque séance par les services : ordre du jour, convocation, décisions, PV ; renvoie la fin des séances."""
    decideur = comptes[MEMBRE_QUI_DECIDE]
    reponses = [v for v in vies if v.reponse is not None]
    fins = {}
    for c in COMITES:
        comite = Comite.objects.create(type=c.type, date=c.date, lieu=c.lieu)
        comite.membres.set([comptes[login] for login in c.membres])
        if c.etat == EtatComite.PV_VALIDE:
            ordre_du_jour = [v for v in reponses if v.attend_le_comite and v.jours[v.faites] == c.date.date()]
        else:
            ordre_du_jour = [v for v in reponses if v.faites == len(v.noms) and v.op.etat == Etat.INSTRUITE]
        points = [point_ajouter(comite=comite, reponse=v.reponse, user=animation) for v in ordre_du_jour]
        comite_transition(comite=comite, nom="convoquer", user=animation)
        if c.etat == EtatComite.PV_VALIDE:
            for v, point in zip(ordre_du_jour, points):
                nom = v.noms[v.faites]
                decision = DECISION_DE_LA_TRANSITION[nom]
                decision_enregistrer(
                    point=point, decision=decision, motivation=v.op.motivations.get(nom, ""),
                    montant_vote=montant_propose(v.reponse) if decision == Decision.PROGRAMMEE else None,
                    confirmer_depassement=False, user=decideur,
                )
            comite_transition(comite=comite, nom="tenir", user=animation)
            comite_valider_pv(comite=comite, user=decideur)
            for v in ordre_du_jour:
                # Le PV a fait changer l'opération d'état en base : on la relit avant de poursuivre son chemin.
                v.operation, v.faites, v.decision_le = Operation.objects.get(pk=v.operation.pk), v.faites + 1, c.fin
        _antidater_comite(comite, c, points)
        fins[comite.pk] = c.fin
    en_attente = [v.operation.code for v in reponses if v.attend_le_comite]
    if en_attente:
        raise RuntimeError(f"Aucun comité tenu ne décide de {', '.join(en_attente)} : voir appels.COMITES et le calendrier.")
    return fins


def _antidater_comite(comite: Comite, c, points):
    moments = {"convoquer": c.convocation, "tenir": c.fin - timedelta(minutes=15), "valider_pv": c.fin}
    for ligne in StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Comite), object_id=comite.pk):
        StateLog.objects.filter(pk=ligne.pk).update(timestamp=moments[ligne.transition])
    for i, point in enumerate(points, start=1):
        if point.decision:
            PointOrdreDuJour.objects.filter(pk=point.pk).update(decidee_le=c.date + i * ECART_ENTRE_DECISIONS)


def fermer_appels(appels: dict[str, AppelAProjets], *, animation):
    """Rend à chaque appel sa date limite ; la tâche planifiée de production clôt les dépôts des appels échus."""
    for a in APPELS:
        if a.limite:
            AppelAProjets.objects.filter(pk=appels[a.cle].pk).update(date_limite=a.limite)
    appels_clore_echus()
    for a in APPELS:
        appel = AppelAProjets.objects.get(pk=appels[a.cle].pk)
        if a.etat == EtatAppel.CLOTURE:
            appel_transition(appel=appel, nom="cloturer", user=animation,
                             motivation="Décisions du comité de programmation notifiées aux porteurs.")
        if appel.etat != a.etat:
            raise RuntimeError(f"Appel « {appel} » : état {appel.etat} au lieu de {a.etat}.")
        ouverture = datetime.combine(a.ouverture, time(9, 30), tzinfo=PARIS)
        # La tâche planifiée passe toutes les 5 minutes : elle clôt les dépôts juste après la date limite.
        clos_le = a.limite + timedelta(minutes=5) if a.limite else None
        moments = {"publier": ouverture, "clore": clos_le, "cloturer": a.cloture_le}
        for ligne in StateLog.objects.filter(content_type=ContentType.objects.get_for_model(AppelAProjets), object_id=appel.pk):
            StateLog.objects.filter(pk=ligne.pk).update(timestamp=moments[ligne.transition])
        AppelAProjets.objects.filter(pk=appel.pk).update(cree_le=ouverture - timedelta(days=14))


