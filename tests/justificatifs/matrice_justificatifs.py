"""Les droits des pages des bilans (fusionnés dans tests/test_permissions.py) : l'équipe du PLIE et la structure
porteuse les voient ; le comité, un autre porteur ou un compte sans rôle reçoivent 404 (un bilan nomme des
participants) ; seul le porteur prépare, remplit et dépose."""
from operations.options import Etat
from tests.factories import OperationFactory
from tests.test_permissions import CONNEXION, Cas, tous

INTITULE = "Action-de-la-matrice-des-bilans"
QUI_VOIT = tous(200, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404)
QUI_AGIT = tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404)


def _action(ctx):
    ctx["operation"] = OperationFactory(porteur=ctx["structure"], etat=Etat.EN_REALISATION, intitule=INTITULE)
    return {"code": ctx["operation"].code}


def _bilan_rempli(ctx):
    from justificatifs.services import bilan_enregistrer, bilan_preparer

    _action(ctx)
    porteur = ctx["comptes"]["porteur"]
    ctx["bilan"] = bilan = bilan_preparer(operation=ctx["operation"], user=porteur)
    bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Ateliers."},
                      depenses={d.pk: str(d.prevu) for d in bilan.depenses.all()},
                      ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    return {"code": ctx["operation"].code, "rang": bilan.rang}


def _bilan_pret_a_deposer(ctx):
    """Rempli et ses pièces jointes : le dépôt n'attend plus que le droit de qui le demande."""
    from tests.justificatifs.factories import joindre_les_pieces

    kwargs = _bilan_rempli(ctx)
    joindre_les_pieces(ctx["bilan"], ctx["comptes"]["porteur"])
    return kwargs


def _prepare(ctx, role, reponse):
    prepare = ctx["operation"].bilans.exists()
    assert prepare == (role == "porteur"), f"{role} : bilan préparé = {prepare}"


def _depose(ctx, role, reponse):
    ctx["bilan"].refresh_from_db()
    depose = ctx["bilan"].etat == "depose"
    assert depose == (role == "porteur"), f"{role} : bilan déposé = {depose}"


MATRICE = {
    "justificatifs:liste": Cas(tous(200, anonyme=CONNEXION)),
    "justificatifs:bilans": Cas(QUI_VOIT, objet=_action, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:preparer": Cas(QUI_AGIT, methode="post", objet=_action, verifier=_prepare,
                                  ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:bilan": Cas(QUI_VOIT, objet=_bilan_rempli, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:document": Cas(QUI_VOIT, objet=_bilan_rempli, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:transition": Cas(QUI_AGIT, methode="post", objet=lambda ctx: {**_bilan_pret_a_deposer(ctx), "nom": "deposer"},
                                    verifier=_depose, ne_revele_pas=lambda ctx: INTITULE),
}


# --- Pièces (porteur), contrôle de service fait (équipe du PLIE, le gestionnaire agit), export MDFSE ---
QUI_CONTROLE = tous(403, anonyme=CONNEXION, animation=200, gestionnaire=200, administrateur=200, porteur_autre=404,
                    sans_role=404, comite=404)
ACTION_DE_CONTROLE = tous(403, anonyme=CONNEXION, animation=302, gestionnaire=302, administrateur=302,
                          porteur_autre=404, sans_role=404, comite=404)
QUI_EXPORTE = tous(404, anonyme=CONNEXION, animation=200, gestionnaire=200, administrateur=200)
_PIECE: dict = {}
_DEPENSE = {"categorie": "fonctionnement", "libelle": "Facture de la matrice", "montant": "120,00"}


def _pour_une_piece(ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.appels_projets.factories import PDF

    kwargs = _bilan_rempli(ctx)
    _PIECE.clear()
    _PIECE.update({"rattachement": f"d-{ctx['bilan'].depenses.first().pk}", "nature": "facture",
                   "fichier": SimpleUploadedFile("facture.pdf", PDF)})
    return kwargs


def _avec_une_piece(ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from justificatifs.pieces import piece_deposer
    from tests.appels_projets.factories import PDF

    kwargs = _bilan_rempli(ctx)
    ctx["piece"] = piece_deposer(bilan=ctx["bilan"], user=ctx["comptes"]["porteur"], nature="facture",
                                 fichier=SimpleUploadedFile("facture.pdf", PDF), depense=ctx["bilan"].depenses.first())
    return {**kwargs, "pk": ctx["piece"].pk}


def _piece_deposee(ctx, role, reponse):
    deposee = ctx["bilan"].pieces.exists()
    assert deposee == (role == "porteur"), f"{role} : pièce déposée = {deposee}"


def _piece_retiree(ctx, role, reponse):
    retiree = not ctx["bilan"].pieces.exists()
    assert retiree == (role == "porteur"), f"{role} : pièce retirée = {retiree}"


def _depense_ajoutee(ctx, role, reponse):
    ajoutee = ctx["bilan"].depenses.filter(libelle="Facture de la matrice").exists()
    assert ajoutee == (role == "porteur"), f"{role} : dépense ajoutée = {ajoutee}"


def _bilan_depose(ctx, decide=False, valide=False):
    from conventions.options import EtatSignature
    from justificatifs import controle, rapport_csf
    from justificatifs.services import bilan_transition
    from tests.conventions.factories import ConventionFactory

    kwargs = _bilan_pret_a_deposer(ctx)
    ConventionFactory(operation=ctx["operation"], etat=EtatSignature.NOTIFIEE)
    bilan_transition(bilan=ctx["bilan"], nom="deposer", user=ctx["comptes"]["porteur"])
    if decide or valide:
        for depense in ctx["bilan"].depenses.all():
            controle.depense_controler(depense=depense, user=ctx["comptes"]["gestionnaire"], decision="retenue",
                                       commentaire="Pièces vues sur place.")
    if valide:
        rapport_csf.csf_valider(bilan=ctx["bilan"], user=ctx["comptes"]["gestionnaire"])
    return kwargs


def _decision_prise(ctx, role, reponse):
    prise = ctx["bilan"].depenses.filter(controles__isnull=False).exists()
    assert prise == (role == "gestionnaire"), f"{role} : décision enregistrée = {prise}"


def _avance_notee(ctx, role, reponse):
    from justificatifs.models import ControleServiceFait

    notee = ControleServiceFait.objects.filter(bilan=ctx["bilan"], avance_versee=123).exists()
    assert notee == (role == "gestionnaire"), f"{role} : avance enregistrée = {notee}"


def _controle_valide(ctx, role, reponse):
    ctx["bilan"].refresh_from_db()
    valide = ctx["bilan"].etat == "controle"
    assert valide == (role == "gestionnaire"), f"{role} : contrôle validé = {valide}"


def _paye(ctx, role, reponse):
    ctx["bilan"].refresh_from_db()
    paye = ctx["bilan"].etat == "valide"
    assert paye == (role == "gestionnaire"), f"{role} : paiement enregistré = {paye}"


def _controle(**options):
    return lambda ctx: _bilan_depose(ctx, **options)


MATRICE.update({
    "justificatifs:deposer_piece": Cas(QUI_AGIT, methode="post", objet=_pour_une_piece, donnees=_PIECE,
                                       verifier=_piece_deposee, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:piece": Cas(QUI_VOIT, objet=_avec_une_piece, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:retirer_piece": Cas(QUI_AGIT, methode="post", objet=_avec_une_piece, verifier=_piece_retiree,
                                       ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:ajouter_depense": Cas(QUI_AGIT, methode="post", objet=_bilan_rempli, donnees=_DEPENSE,
                                         verifier=_depense_ajoutee, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:controle": Cas(QUI_CONTROLE, objet=_controle(), ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:methode": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(), donnees={"methode": "exhaustif"},
                                 ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:decider": Cas(ACTION_DE_CONTROLE, methode="post",
                                 objet=lambda ctx: {**_bilan_depose(ctx), "pk": ctx["bilan"].depenses.first().pk},
                                 donnees={"decision": "retenue", "commentaire": "Vu."}, verifier=_decision_prise,
                                 ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:retenir": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(), donnees={"commentaire": "Vu."},
                                 ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:conformes": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(),
                                   donnees={"objet": "sortie_positive", "lignes": ["0"], "commentaire": "Vu."},
                                   ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:realisation": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(),
                                     donnees={"objet": "sortie_positive", "participant": "0", "conforme": "oui"},
                                     ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:tirer_seances": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(),
                                       ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:avance": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(), donnees={"avance": "123"},
                                verifier=_avance_notee, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:valider": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(decide=True),
                                 verifier=_controle_valide, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:payer": Cas(ACTION_DE_CONTROLE, methode="post", objet=_controle(valide=True),
                               donnees={"montant": "100", "paye_le": "2017-09-01"}, verifier=_paye,
                               ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:rapport": Cas(QUI_CONTROLE, objet=_controle(valide=True), ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:mdfse": Cas(QUI_EXPORTE, objet=_action, ne_revele_pas=lambda ctx: INTITULE),
    "justificatifs:mdfse_export": Cas(QUI_EXPORTE, methode="post", objet=_action, ne_revele_pas=lambda ctx: INTITULE),
})
