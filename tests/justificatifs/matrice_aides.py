"""Les droits des pages des aides de l'enveloppe souple (fusionnés dans tests/test_permissions.py) : l'équipe du PLIE et
la structure du référent du participant voient l'aide ; une autre structure, le comité ou un compte sans rôle
reçoivent 404 (une aide nomme un participant) ; le référent demande et complète, l'équipe d'animation décide et paie."""
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.test_permissions import CONNEXION, Cas, tous

NOM = "Participant-de-la-matrice-des-aides"
QUI_VOIT = tous(200, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404)
# Une action refusée à qui voit l'aide : la page revient avec le résumé d'erreurs (rien n'est écrit).
QUI_DECIDE = tous(200, anonyme=CONNEXION, animation=302, porteur_autre=404, sans_role=404, comite=404)
QUI_COMPLETE = tous(200, anonyme=CONNEXION, referent=302, porteur_autre=404, sans_role=404, comite=404)
_PAIEMENT: dict = {}
_COMPLEMENT: dict = {}


def _enveloppe():
    from operations.models import Operation
    from tests.justificatifs.aides import enveloppe

    return Operation.objects.filter(type__code="ENVELOPPE_SOUPLE").first() or enveloppe("100000.00")


def _demandee(ctx):
    from tests.justificatifs.aides import demande, participant

    _enveloppe()
    ctx["referent_a"] = referent = ctx["comptes"]["referent"]
    ctx["aide"] = demande(referent, participant(ctx["structure"], nom=NOM), "120,00")
    return {"pk": ctx["aide"].pk}


def _accordee(ctx):
    from justificatifs.services_aides import aide_accorder
    from annuaire.roles import Role
    from tests.factories import utilisateur

    kwargs = _demandee(ctx)
    aide_accorder(aide=ctx["aide"], user=utilisateur(Role.ANIMATION), montant="120,00", le=date(2016, 3, 2))
    _PAIEMENT.clear()
    _PAIEMENT.update({"le": "2016-03-20", "montant": "120,00", "beneficiaire": "Auto-école du centre",
                      "facture": SimpleUploadedFile("facture.pdf", _pdf())})
    return kwargs


def _pdf():
    from tests.appels_projets.factories import PDF

    return PDF


def _payee(ctx):
    from justificatifs.services_aides import aide_payer
    from annuaire.roles import Role
    from tests.factories import utilisateur

    kwargs = _accordee(ctx)
    aide_payer(aide=ctx["aide"], user=utilisateur(Role.ANIMATION), montant="120,00", le=date(2016, 3, 20),
               beneficiaire="Auto-école", facture=SimpleUploadedFile("facture.pdf", _pdf()))
    return kwargs


def _complement_demande(ctx):
    from justificatifs.services_aides import aide_transition
    from annuaire.roles import Role
    from tests.factories import utilisateur

    kwargs = _demandee(ctx)
    aide_transition(aide=ctx["aide"], nom="demander_complement", user=utilisateur(Role.ANIMATION),
                    motivation="Joindre le devis.")
    _COMPLEMENT.clear()
    _COMPLEMENT.update({"motif": "FORMATION", "nature": "PERMIS", "montant_demande": "110,00",
                        "justification": "Devis joint.", "devis": SimpleUploadedFile("devis.pdf", _pdf())})
    return kwargs


def _etat_si(attendu_pour: str, etat: str):
    def verifier(ctx, role, reponse):
        ctx["aide"].refresh_from_db()
        applique = ctx["aide"].etat == etat
        assert applique == (role == attendu_pour), f"{role} : aide « {etat} » = {applique}"
    return verifier


def _nom(ctx):
    return NOM


MATRICE = {
    "justificatifs:aides": Cas(tous(200, anonyme=CONNEXION)),
    "justificatifs:demander_aide": Cas(tous(403, anonyme=CONNEXION, referent=200)),
    "justificatifs:aide": Cas(QUI_VOIT, objet=_demandee, ne_revele_pas=_nom),
    "justificatifs:devis_aide": Cas(QUI_VOIT, objet=_demandee, ne_revele_pas=_nom),
    "justificatifs:facture_aide": Cas(QUI_VOIT, objet=_payee, ne_revele_pas=_nom),
    "justificatifs:accorder_aide": Cas(QUI_DECIDE, methode="post", objet=_demandee, donnees={"montant": "100,00"},
                                       verifier=_etat_si("animation", "accordee"), ne_revele_pas=_nom),
    "justificatifs:payer_aide": Cas(QUI_DECIDE, methode="post", objet=_accordee, donnees=_PAIEMENT,
                                    verifier=_etat_si("animation", "payee"), ne_revele_pas=_nom),
    "justificatifs:completer_aide": Cas(QUI_COMPLETE, methode="post", objet=_complement_demande, donnees=_COMPLEMENT,
                                        verifier=_etat_si("referent", "demandee"), ne_revele_pas=_nom),
    "justificatifs:transition_aide": Cas(
        tous(302, anonyme=CONNEXION, porteur_autre=404, sans_role=404, comite=404), methode="post",
        objet=lambda ctx: {**_demandee(ctx), "nom": "refuser"}, donnees={"motivation": "Test de la matrice"},
        verifier=_etat_si("animation", "refusee"), ne_revele_pas=_nom),
}
