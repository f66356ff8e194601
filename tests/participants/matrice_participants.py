"""Les droits des pages des participants (fusionnés dans tests/test_permissions.py) : l'import est réservé à
l'équipe d'animation ; un participant n'existe (200) que pour les équipes du PLIE et la structure qui le suit,
404 pour tout autre compte, le comité compris."""
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from annuaire.models import Commune, Prescripteur
from participants.models import Participant
from tests.test_permissions import CONNEXION, Cas, tous

NOM = "Participant-de-la-matrice"


def _participant(ctx):
    participant = Participant.objects.create(
        identifiant=f"MATRICE-{Participant.objects.count()}", nom=NOM, prenom="Alix", sexe="F",
        date_naissance=date(1985, 4, 2), commune=Commune.objects.get(nom="Dijon"),
        prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"), structure_referent=ctx["structure"],
        date_entree=date(2016, 3, 1))
    return {"pk": participant.pk}


def _rien_importe(ctx, role, reponse):
    assert not Participant.objects.filter(nom="Durand").exists(), f"{role} : un import a eu lieu sans fichier confirmé"


def _proposee(ctx, role, reponse):
    from participants.models import PropositionSortie

    proposee = PropositionSortie.objects.filter(participant__nom=NOM, participant__pk=ctx["participant"]).exists()
    assert proposee == (role in ("animation", "referent")), f"{role} : sortie proposée = {proposee}"


def _participant_propose(ctx):
    kwargs = _participant(ctx)
    ctx["participant"] = kwargs["pk"]
    return kwargs


_ETAPE: dict = {"etape-date_debut": "2016-05-02", "etape-heures": "35"}


def _participant_et_son_etape(ctx):
    from participants.models import TypeEtape

    _ETAPE["etape-type"] = TypeEtape.objects.get(code="INTERIM").pk
    kwargs = _participant(ctx)
    ctx["participant"] = kwargs["pk"]
    return kwargs


def _participant_avec_une_etape(ctx):
    from participants.models import Etape, TypeEtape

    kwargs = _participant(ctx)
    ctx["etape"] = Etape.objects.create(participant_id=kwargs["pk"], type=TypeEtape.objects.get(code="CDI"),
                                        date_debut="2016-04-01")
    return {**kwargs, "etape": ctx["etape"].pk}


def _etape_retiree(ctx, role, reponse):
    from participants.models import Etape

    retiree = not Etape.objects.filter(pk=ctx["etape"].pk).exists()
    assert retiree == (role in ("animation", "referent")), f"{role} : étape retirée = {retiree}"


def _etape_ajoutee(ctx, role, reponse):
    from participants.models import Etape

    ajoutee = Etape.objects.filter(participant_id=ctx["participant"], date_debut="2016-05-02").exists()
    assert ajoutee == (role in ("animation", "referent")), f"{role} : étape ajoutée = {ajoutee}"


def _seance(ctx, feuille=False):
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from operations.options import Etat
    from participants.models import Seance
    from tests.appels_projets.factories import PDF
    from tests.factories import OperationFactory

    action = OperationFactory(porteur=ctx["structure"], etat=Etat.EN_REALISATION, intitule=NOM)
    ctx["seance"] = Seance.objects.create(operation=action, date="2016-03-14", demi_journee="matin",
                                          heures=Decimal("3"), lieu="Salle", formateur="Mme Roux")
    if feuille:
        ctx["seance"].feuille_signee.save("feuille.pdf", ContentFile(PDF))
    _FEUILLE.clear()
    _FEUILLE["feuille"] = SimpleUploadedFile("feuille.pdf", PDF)
    return {"code": action.code, "pk": ctx["seance"].pk}


_FEUILLE: dict = {}


def _feuille_deposee(ctx, role, reponse):
    ctx["seance"].refresh_from_db()
    deposee = bool(ctx["seance"].feuille_signee)
    assert deposee == (role in ("animation", "porteur")), f"{role} : feuille déposée = {deposee}"


_SORTIE = {"motif": "", "date_sortie": "2016-06-30", "justification": "matrice",
           "motivation_derogation": "matrice"}  # sans étape, le critère du CDI n'est pas rempli : une dérogation


def _avec_motif(ctx):
    from participants.models import MotifSortie

    _SORTIE["motif"] = MotifSortie.objects.get(code="CDI").pk
    return _participant_propose(ctx)


def _clauses_portees_par_a(ctx):
    """La structure A porte l'accompagnement des clauses d'insertion : son porteur et son référent voient les heures."""
    from operations.models import TypeOperation
    from operations.options import Etat
    from tests.factories import OperationFactory

    OperationFactory(porteur=ctx["structure"], etat=Etat.EN_REALISATION, intitule=NOM,
                     type=TypeOperation.objects.get(code="CLAUSES_INSERTION"))
    return {}


def _rien_importe_des_clauses(ctx, role, reponse):
    from participants.models import HeuresClause

    assert not HeuresClause.objects.exists(), f"{role} : un import de clauses a eu lieu sans fichier confirmé"


QUI_VOIT_L_OPERATION = tous(200, anonyme=CONNEXION, porteur_autre=404, sans_role=404)

MATRICE = {
    "participants:seances": Cas(QUI_VOIT_L_OPERATION, objet=lambda ctx: {"code": _seance(ctx)["code"]},
                                ne_revele_pas=lambda ctx: NOM),
    "participants:grille": Cas(QUI_VOIT_L_OPERATION, objet=_seance, ne_revele_pas=lambda ctx: NOM),
    "participants:deposer_feuille": Cas(tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404), methode="post",
                                        objet=_seance, donnees=_FEUILLE, verifier=_feuille_deposee,
                                        ne_revele_pas=lambda ctx: NOM),
    # Les feuilles à imprimer portent les noms des inscrits : le porteur et l'animation, qui tiennent les séances.
    "participants:feuilles": Cas(tous(404, anonyme=CONNEXION, animation=200, porteur=200),
                                 objet=lambda ctx: {"code": _seance(ctx)["code"]},
                                 donnees={"du": "2016-03-01", "au": "2016-03-31", "par": "seance", "format": "docx"},
                                 ne_revele_pas=lambda ctx: NOM),
    "participants:emargements": Cas(tous(403, anonyme=CONNEXION, animation=200, porteur=200, porteur_autre=200)),
    "participants:feuille": Cas(QUI_VOIT_L_OPERATION, objet=lambda ctx: _seance(ctx, feuille=True),
                                ne_revele_pas=lambda ctx: NOM),
    "participants:proposer_sortie": Cas(tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404),
                                        methode="post", objet=_avec_motif, donnees=_SORTIE, verifier=_proposee,
                                        ne_revele_pas=lambda ctx: NOM),
    "participants:commission": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    # Seuls son référent et l'animation modifient la fiche ; qui la voit sans pouvoir la modifier reçoit 403.
    "participants:modifier": Cas(tous(403, anonyme=CONNEXION, animation=200, referent=200, porteur_autre=404,
                                      sans_role=404, comite=404),
                                 objet=_participant, ne_revele_pas=lambda ctx: NOM),
    "participants:supprimer_etape": Cas(tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404),
                                        methode="post", objet=_participant_avec_une_etape, verifier=_etape_retiree,
                                        ne_revele_pas=lambda ctx: NOM),
    "participants:ajouter_etape": Cas(tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404),
                                      methode="post", objet=_participant_et_son_etape, donnees=_ETAPE,
                                      verifier=_etape_ajoutee,
                                      ne_revele_pas=lambda ctx: NOM),
    "participants:commission_entree": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    "participants:orienter": Cas(tous(403, anonyme=CONNEXION, animation=200, referent=200)),
    "participants:completude": Cas(tous(200, anonyme=CONNEXION, sans_role=403, comite=403, administrateur=403)),
    "participants:rapport": Cas(tous(403, anonyme=CONNEXION, animation=200, gestionnaire=200, comite=200,
                                     administrateur=200)),
    "participants:liste": Cas(tous(200, anonyme=CONNEXION, sans_role=403, comite=403)),
    "participants:fiche": Cas(tous(200, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404),
                              objet=_participant, ne_revele_pas=lambda ctx: NOM),
    "participants:importer": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    # Les heures des clauses : les équipes du PLIE et le comité en lecture, la structure qui porte les clauses.
    "participants:clauses": Cas(tous(200, anonyme=CONNEXION, sans_role=403, porteur_autre=403),
                                objet=_clauses_portees_par_a),
    "participants:importer_clauses": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    "participants:confirmer_import_clauses": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post",
                                                 verifier=_rien_importe_des_clauses),
    # Sans import en attente, l'animation est renvoyée vers la page d'import avec un message.
    "participants:confirmer_import": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post",
                                         verifier=_rien_importe),
}
