"""L'accessibilité des pages principales, rôle par rôle, sur la démonstration : axe-core (WCAG 2 A et AA) injecté
dans chaque page ne doit y trouver aucune violation grave ou critique, et chaque champ ou bouton de chaque formulaire
s'atteint avec la touche Tab. La connexion se fait au clavier seul, de bout en bout.

`CAPTURES=/un/dossier` enregistre une capture de chaque page contrôlée.
"""
import pytest
from playwright.sync_api import expect

from pilotage.demo import MOT_DE_PASSE as MOT_DE_PASSE_DEMO
from pilotage.demo import charger_demo
from tests.conftest import AXE
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter

pytestmark = [pytest.mark.navigateur, pytest.mark.accessibilite, pytest.mark.django_db(transaction=True)]

GRAVES = {"serious", "critical"}


def violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # par le protocole du navigateur : la CSP ne s'y applique pas
    resultat = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return {regles_passees: r.passes.length,
                violations: r.violations.map(v => ({id: v.id, impact: v.impact, aide: v.help,
                                                    cibles: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))};
    }""")
    assert resultat["regles_passees"] > 10, "axe-core n'a rien vérifié sur la page"
    return [f"{v['impact']} {v['id']} ({v['aide']}) : {v['cibles']}" for v in resultat["violations"]
            if v["impact"] in GRAVES]


def hors_clavier(page) -> list[str]:
    """Les champs et boutons de la page qu'on n'atteint pas avec la touche Tab (un groupe de boutons radio compte
    pour un : on y entre par Tab, on choisit avec les flèches)."""
    attendus = page.evaluate("""() => {
        const vus = new Set(), attendus = [];
        document.querySelectorAll('main input, main select, main textarea, main button').forEach((el, i) => {
            if (el.type === 'hidden' || el.disabled || el.closest('details:not([open])') || !el.getClientRects().length) return;
            const cle = el.type === 'radio' ? 'radio:' + el.name : 'champ:' + i;
            el.dataset.clavier = cle;
            if (!vus.has(cle)) { vus.add(cle); attendus.push(cle); }
        });
        return attendus;
    }""")
    atteints = set()
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    nombre = page.evaluate("() => document.querySelectorAll('a[href], input, select, textarea, button, summary').length")
    for _ in range(nombre + 5):
        page.keyboard.press("Tab")
        cle = page.evaluate("() => document.activeElement && document.activeElement.dataset.clavier")
        if cle:
            atteints.add(cle)
        if len(atteints) == len(attendus):
            break
    return [cle for cle in attendus if cle not in atteints]


def pages_de(code_action: str, code_bilan: str, aide: int | None = None) -> dict[str, list[str]]:
    return {
        "animation": ["/", "/operations/", f"/operations/{code_action}/", "/appels/", "/comites/",
                      "/conventions/", "/participants/", "/participants/completude/", "/rapport-activite/",
                      "/participants/import/", "/participants/commission-d-entree/", "/participants/commission-de-sortie/",
                      "/clauses/", "/clauses/import/",
                      f"/operations/{code_action}/seances/", "/emargements/", "/bilans/", "/aides/",
                      *([f"/aides/{aide}/"] if aide else [])],
        "referent": ["/aides/demander/"],
        "porteur.amnyos": ["/", f"/operations/{code_action}/bilans/1/", f"/operations/{code_action}/seances/",
                           "/operations/nouvelle/"],
        "gestionnaire": ["/", f"/operations/{code_bilan}/bilans/1/controle/", f"/operations/{code_bilan}/mdfse/"],
        "comite": ["/", "/comites/"],
        "admin": ["/modeles/"],
    }


def test_les_pages_principales_sans_violation_grave(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    charger_demo(force=True)
    from justificatifs.models import Bilan

    action = "OP-2016-021"
    from justificatifs.aides import Aide

    depose = Bilan.objects.filter(etat="depose").select_related("operation").first().operation.code
    a_decider = Aide.objects.filter(etat="demandee").order_by("pk").values_list("pk", flat=True).first()
    constats = {}
    for identifiant, adresses in pages_de(action, depose, a_decider).items():
        se_connecter(page, live_server, identifiant, MOT_DE_PASSE_DEMO)
        for adresse in adresses:
            reponse = page.goto(f"{live_server.url}{adresse}")
            assert reponse.status == 200, f"{identifiant} {adresse} : {reponse.status}"
            capturer(page, f"{identifiant}{adresse.replace('/', '_')}")
            if trouvees := violations(page):
                constats[f"{identifiant} {adresse}"] = trouvees
            if manques := hors_clavier(page):
                constats[f"{identifiant} {adresse} (clavier)"] = [f"inaccessible au clavier : {m}" for m in manques]
        se_deconnecter(page)
    assert not constats, "\n".join(f"{ou} :\n  " + "\n  ".join(v) for ou, v in constats.items())


def test_la_connexion_au_clavier_seul(page, live_server, db):
    from tests.factories import MOT_DE_PASSE, utilisateur

    utilisateur(username="clavier", first_name="Léa")
    page.goto(f"{live_server.url}/accounts/login/")
    # Le curseur est dans l'identifiant dès l'ouverture, Tab passe au mot de passe, Entrée envoie le formulaire.
    expect(page.locator(":focus")).to_have_attribute("name", "username")
    page.keyboard.type("clavier")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("name", "password")
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_le_controle_du_clavier_voit_un_champ_inaccessible(page):
    """Le contrôle lui-même : un champ sorti de l'ordre de tabulation est signalé, un groupe radio compte pour un."""
    page.set_content('<main><input id="a"><input id="b" tabindex="-1"><input type="radio" name="r">'
                     '<input type="radio" name="r"><button>Envoyer</button></main>')
    assert hors_clavier(page) == ["champ:1"]
