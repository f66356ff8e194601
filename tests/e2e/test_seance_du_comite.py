"""Dans un vrai navigateur : l'animation prépare et convoque le comité ; un membre saisit les décisions de la séance,
voit l'enveloppe se recalculer pendant la saisie, confirme le dépassement, enregistre tout en un envoi.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape (pour relire les pages).
"""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from annuaire.roles import Role
from appels_projets.models import PointOrdreDuJour
from appels_projets.options import Decision, EtatAppel, EtatComite
from operations.options import Etat
from tests.appels_projets.factories import AnalyseFactory, AppelFactory, ComiteFactory, ReponseFactory
from tests.e2e.parcours import capturer, se_connecter
from tests.factories import StructureFactory, utilisateur

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_preparer_convoquer_puis_decider_en_seance(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    irfa, apsalc = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA"), StructureFactory(nom="APSALC", sigle="APSALC")
    utilisateur(Role.ANIMATION, username="animation", first_name="Claire", last_name="Petit")
    membre = utilisateur(Role.COMITE, username="membre", first_name="Marc", last_name="Dubois")
    appel = AppelFactory(etat=EtatAppel.CLOS, titre="Remobilisation autour des compétences", enveloppe_fse=Decimal("15000"))
    reponses = []
    for structure, intitule in [(irfa, "Remobilisation autour des compétences"), (apsalc, "Portage de référents")]:
        reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.INSTRUITE,
                                 operation__intitule=intitule)
        AnalyseFactory(reponse=reponse, notes=[4, 3, 5], montant_fse_propose=Decimal("9000"))
        reponses.append(reponse)
    comite = ComiteFactory(membres=[membre], lieu="Hôtel de la métropole, salle du conseil")
    premier, second = (r.operation.code for r in reponses)

    # L'animation inscrit les deux opérations instruites et convoque le comité.
    se_connecter(page, live_server, "animation")
    page.get_by_role("link", name="Comités").click()
    capturer(page, "01-liste-des-comites")
    page.get_by_role("link", name=re.compile(r"\d\d.\d\d.\d{4} à")).click()
    page.get_by_label(re.compile(premier)).check()
    page.get_by_label(re.compile(second)).check()
    capturer(page, "02-ordre-du-jour-a-preparer")
    page.get_by_role("button", name="Inscrire les opérations cochées").click()
    expect(page.get_by_role("status")).to_contain_text(f"Inscrites à l'ordre du jour : {premier}, {second}.")
    page.get_by_role("button", name="Convoquer le comité").click()
    expect(page.locator("[data-etat]")).to_have_text("Convoqué")
    page.get_by_role("button", name="Se déconnecter").click()

    # Le membre saisit les décisions : l'enveloppe se recalcule à la saisie.
    se_connecter(page, live_server, "membre")
    page.get_by_role("link", name="Comités").click()
    page.get_by_role("link", name=re.compile(r"\d\d.\d\d.\d{4} à")).click()
    enveloppe = page.locator("#enveloppes tbody tr")
    expect(enveloppe.locator("[data-role=reste]")).to_have_text("15\u202f000,00\u00a0€")
    page.get_by_label(f"Décision pour {premier}").select_option(label="Programmée")
    page.get_by_label(f"Montant FSE voté pour {premier}, en euros").fill("9 022,15")
    expect(enveloppe.locator("[data-role=seance]")).to_have_text("9\u202f022,15\u00a0€")
    confirmation = page.get_by_label(f"Je confirme le dépassement de l'enveloppe pour {second}")
    expect(confirmation).to_be_hidden()
    page.get_by_label(f"Décision pour {second}").select_option(label="Programmée")
    page.get_by_label(f"Montant FSE voté pour {second}, en euros").fill("9 000")
    expect(enveloppe.locator("[data-role=reste]")).to_have_text(re.compile(r"^[-−]3\u202f022,15\u00a0€ \(dépassement\)$"))
    expect(confirmation).to_be_visible()
    capturer(page, "03-saisie-avec-depassement")

    # Sans confirmation : rien n'est enregistré, le récapitulatif nomme l'opération et le champ.
    page.get_by_role("button", name="Enregistrer les décisions").click()
    resume = page.locator("#resume-erreurs")
    expect(resume).to_contain_text("aucune décision n'a été enregistrée")
    expect(resume).to_contain_text(f"{second}, confirmation du dépassement de l'enveloppe")
    capturer(page, "04-depassement-non-confirme")
    assert not PointOrdreDuJour.objects.exclude(decision="").exists()

    page.get_by_label(f"Je confirme le dépassement de l'enveloppe pour {second}").check()
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_role("status").first).to_contain_text("2 décisions enregistrées.")
    expect(page.get_by_text("Dépassement de l'enveloppe confirmé")).to_be_visible()
    capturer(page, "05-decisions-enregistrees")
    points = list(PointOrdreDuJour.objects.filter(comite=comite).order_by("ordre"))
    assert [(p.decision, p.montant_vote, p.depassement_confirme) for p in points] == [
        (Decision.PROGRAMMEE, Decimal("9022.15"), False), (Decision.PROGRAMMEE, Decimal("9000.00"), True),
    ]
    comite.refresh_from_db()
    assert comite.etat == EtatComite.CONVOQUE
