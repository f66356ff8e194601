"""Dans un vrai navigateur : le gestionnaire contrôle un bilan de 45 dépenses en un tableau. Trois exceptions se
saisissent sur leur ligne (retenue en partie, rejet, avec leur motif), les 42 autres se cochent et se retiennent en un
lot ; rien ne recharge la page (au plus 3 chargements en tout), elle garde sa place, et la page mise à jour par htmx
est celle qu'on obtient en la rechargeant.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape.
"""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from annuaire.roles import Role
from conventions.options import EtatSignature
from justificatifs import services
from justificatifs.models import ControleDepense, PieceJustificative
from operations.models import LigneDepense, LigneRessource
from operations.options import Etat
from tests.conventions.factories import ConventionFactory
from tests.e2e.parcours import capturer, se_connecter
from tests.e2e.test_accessibilite import violations
from tests.factories import OperationFactory, StructureFactory, financeur, utilisateur
from tests.justificatifs.factories import joindre_les_pieces

pytestmark = [pytest.mark.navigateur, pytest.mark.accessibilite, pytest.mark.django_db(transaction=True)]

JETON = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# Ce que le navigateur laisse d'un échange htmx sans rien changer à ce qu'on voit : attributs vides.
VIDES = re.compile(r' (style|class)=""')


def bilan_de_45_depenses():
    irfa = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")
    porteur = utilisateur(Role.PORTEUR, structure=irfa, username="irfa")
    action = OperationFactory(porteur=irfa, etat=Etat.EN_REALISATION, plan=False)
    LigneDepense.objects.create(operation=action, categorie="personnel", libelle="Salaires", montant=Decimal("45000"))
    LigneRessource.objects.create(operation=action, financeur=financeur("FSE"), montant=Decimal("22500"))
    LigneRessource.objects.create(operation=action, financeur=financeur("METROPOLE"), montant=Decimal("22500"))
    ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE)
    bilan = services.bilan_preparer(operation=action, user=porteur)
    bilan.depenses.all().delete()  # le détail remplace la ligne du plan
    for rang in range(1, 46):
        services.depense_ajouter(bilan=bilan, user=porteur, categorie="personnel", libelle=f"Bulletin n° {rang:02d}",
                                 montant="1 000,00")
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Suivi."}, depenses={},
                               ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    joindre_les_pieces(bilan, porteur)
    services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    # Comme un bilan déposé avant que le dépôt exige les pièces : aucune dépense n'en a, le contrôle le voit.
    PieceJustificative.objects.filter(bilan=bilan).delete()
    return bilan


def region(page, selecteur):
    return VIDES.sub("", JETON.sub('name="csrfmiddlewaretoken"', page.locator(selecteur).inner_html()))


def test_45_depenses_dont_3_exceptions_en_au_plus_3_chargements(page, live_server):
    bilan = bilan_de_45_depenses()
    utilisateur(Role.GESTIONNAIRE, username="gestionnaire", first_name="Paul", last_name="Mercier")
    se_connecter(page, live_server, "gestionnaire")
    chargements = []
    page.on("domcontentloaded", lambda p: chargements.append(p.url))
    page.goto(f"{live_server.url}/operations/{bilan.operation.code}/bilans/{bilan.rang}/controle/")
    expect(page.locator("#etat-du-controle")).to_contain_text("0 contrôlée sur 45")

    def ligne(numero):
        return page.locator("#controle-depenses tbody tr", has_text=f"Bulletin n° {numero:02d}")

    # Trois exceptions, chacune dans sa ligne, enregistrée par Entrée dans son commentaire (au clavier).
    exceptions = {7: ("Retenue en partie", "600,00", "Temps de travail non justifié (feuilles de temps manquantes)"),
                  21: ("Rejetée", "", "Pièce justificative absente ou illisible"),
                  38: ("Retenue en partie", "250,50", "Temps de travail non justifié (feuilles de temps manquantes)")}
    for numero, (decision, montant, motif) in exceptions.items():
        ligne(numero).get_by_label(re.compile("^Décision sur")).select_option(label=decision)
        if montant:
            ligne(numero).get_by_label(re.compile("^Montant retenu sur")).fill(montant)
        ligne(numero).get_by_label(re.compile("^Motif de l'écart sur")).select_option(label=motif)
        ligne(numero).get_by_label(re.compile("^Commentaire sur")).fill(f"Exception sur le bulletin {numero}.")
        avant = page.evaluate("() => window.scrollY")
        ligne(numero).get_by_label(re.compile("^Commentaire sur")).press("Enter")
        expect(page.locator("#annonce")).to_have_text(f"Décision enregistrée pour « Bulletin n° {numero:02d} ».")
        expect(ligne(numero)).to_contain_text(decision)
        assert abs(page.evaluate("() => window.scrollY") - avant) < 5, "la page n'a pas gardé sa place"
    expect(page.locator("#etat-du-controle")).to_contain_text("3 contrôlées sur 45")
    capturer(page, "01-trois-exceptions")

    # Tout cocher, décocher les trois exceptions : 42 lignes à retenir en un lot.
    page.get_by_label("Tout cocher").first.check()
    for numero in exceptions:
        ligne(numero).get_by_role("checkbox").uncheck()
    expect(page.locator('[data-compte="depenses"]')).to_have_text("42 lignes cochées")
    page.get_by_role("button", name="Retenir les dépenses cochées").click()
    # Aucune pièce n'est jointe : le lot est refusé, rien n'est écrit, les lignes restent cochées.
    expect(page.locator("#erreur-lot-depenses")).to_have_text(
        "42 dépense(s) sans pièce justificative (« Bulletin n° 01 », « Bulletin n° 02 », « Bulletin n° 03 », "
        "« Bulletin n° 04 », « Bulletin n° 05 » et 37 autre(s)) : les retenir exige une motivation.")
    expect(page.locator('#controle-depenses input[data-choix="depenses"]:checked')).to_have_count(42)
    assert ControleDepense.objects.count() == 3
    capturer(page, "02-lot-refuse-sans-motivation")
    assert not violations(page), violations(page)  # axe-core : rien de grave, erreurs montrées comprises
    page.get_by_label("Motivation (exigée pour une dépense sans pièce)").fill("Bulletins vus sur place le 12/09/2017.")
    page.get_by_role("button", name="Retenir les dépenses cochées").click()
    expect(page.locator("#annonce")).to_have_text("42 dépense(s) retenue(s).")
    expect(page.locator("#etat-du-controle")).to_contain_text("45 contrôlées sur 45")
    # 42 × 1 000 + 600 + 0 + 250,50 = 42 850,50 € retenus ; × 50 % = 21 425,25 € de FSE dû.
    expect(page.locator("#etat-du-controle")).to_contain_text("retenu 42\u202f850,50\u00a0€")
    expect(page.locator("#fse-du")).to_have_text("21\u202f425,25\u00a0€")
    capturer(page, "03-controle-complet")
    assert ControleDepense.objects.count() == 45
    assert chargements == [chargements[0]], f"chargements de page : {chargements}"

    # La page mise à jour par htmx est celle qu'on obtient en la rechargeant.
    regions = {s: region(page, s) for s in ("#depenses", "#resultat-du-calcul", "#etat-du-controle",
                                            "#manques-du-controle")}
    page.reload()
    for selecteur, avant in regions.items():
        assert region(page, selecteur) == avant, f"{selecteur} diffère après rechargement"
    assert len(chargements) <= 3

    # À 390 px de large, le tableau défile dans son cadre : la page elle-même ne défile pas en largeur.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
