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
    "justificatifs:transition": Cas(QUI_AGIT, methode="post", objet=lambda ctx: {**_bilan_rempli(ctx), "nom": "deposer"},
                                    verifier=_depose, ne_revele_pas=lambda ctx: INTITULE),
}
