"""Les bureaux et les pages principales de chaque rôle, sur la démonstration, dans un vrai navigateur :

- à 390 px de large (un téléphone), la page elle-même ne défile pas à l'horizontale : seuls les tableaux larges
  défilent, dans leur cadre ;
- le bureau de chaque rôle a quelque chose à dire (la référente ne lit plus « Rien n'attend votre action ») ;
- les captures des bureaux du README (docs/captures/) viennent d'ici : `CAPTURES_DU_README=1` les réécrit.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pilotage.demo.chargement import charger_demo
from pilotage.demo import MOT_DE_PASSE as MOT_DE_PASSE_DEMO
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

DOSSIER_DU_README = Path(__file__).resolve().parents[2] / "docs" / "captures"
TELEPHONE = {"width": 390, "height": 844}
ECRAN = {"width": 1280, "height": 900}

# Ce que le JavaScript mesure : la largeur de la page, et les éléments qui dépassent sans être dans un cadre qui défile.
DEBORDEMENTS = """() => {
    const largeur = document.documentElement.clientWidth, fautifs = [];
    document.querySelectorAll('body *').forEach(el => {
        const r = el.getBoundingClientRect();
        if (r.right <= largeur + 1 || !r.width) return;
        for (let p = el.parentElement; p; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && p !== document.body
                && p !== document.documentElement) return;
        }
        fautifs.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
                     + ' (' + Math.round(r.right) + ' px)');
    });
    return {page: document.documentElement.scrollWidth, fenetre: largeur, fautifs: fautifs.slice(0, 5)};
}"""


def pages_de(demo: dict) -> dict[str, list[str]]:
    return {
        "referent": ["/", "/participants/", f"/participants/{demo['participant']}/", "/participants/completude/",
                     "/operations/"],
        "porteur": ["/", "/operations/", "/operations/OP-2016-006/", "/operations/OP-2016-006/bilans/", "/conventions/"],
        "comite": ["/", "/comites/", f"/comites/{demo['comite']}/", "/operations/OP-2017-006/", "/lettres/2017-03/"],
        "gestionnaire": ["/", "/bilans/", f"/operations/{demo['depose']}/bilans/1/controle/",
                         f"/operations/{demo['depose']}/mdfse/"],
        "animation": ["/", "/operations/", "/operations/OP-2016-021/", "/operations/OP-2016-021/seances/", "/appels/",
                      "/conventions/", "/participants/", "/rapport-activite/", "/participants/commission-de-sortie/",
                      "/recherche/", "/lettres/", "/lettres/2017-03/", "/lettres/destinataires/"],
    }


def test_chaque_page_principale_tient_dans_390_px_et_chaque_bureau_parle(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    charger_demo(force=True)
    from appels_projets.models import Comite
    from justificatifs.models import Bilan
    from participants.models import Participant

    demo = {"participant": Participant.objects.filter(referent__username="referent").values_list("pk", flat=True).first(),
            "comite": Comite.objects.order_by("-date").values_list("pk", flat=True).first(),
            "depose": Bilan.objects.filter(etat="depose").select_related("operation").first().operation.code}
    readme = bool(os.environ.get("CAPTURES_DU_README"))
    constats = {}
    for identifiant, adresses in pages_de(demo).items():
        page.set_viewport_size(ECRAN)
        se_connecter(page, live_server, identifiant, MOT_DE_PASSE_DEMO)
        expect(page.get_by_role("heading", name="Ce qui vous attend")).to_be_visible()
        expect(page.get_by_text("Rien n'attend votre action")).to_have_count(0)
        if readme:
            DOSSIER_DU_README.mkdir(exist_ok=True)
            page.screenshot(path=str(DOSSIER_DU_README / f"bureau-{identifiant}.png"))
        page.set_viewport_size(TELEPHONE)
        for adresse in adresses:
            reponse = page.goto(f"{live_server.url}{adresse}")
            assert reponse.status == 200, f"{identifiant} {adresse} : {reponse.status}"
            mesure = page.evaluate(DEBORDEMENTS)
            if mesure["page"] > mesure["fenetre"] or mesure["fautifs"]:
                constats[f"{identifiant} {adresse}"] = mesure
            if adresse == "/":
                capturer(page, f"{identifiant}-bureau-390px")
        se_deconnecter(page)
    assert not constats, "\n".join(f"{ou} : page de {m['page']} px pour {m['fenetre']} ; {m['fautifs']}"
                                   for ou, m in constats.items())


def test_la_recherche_de_l_en_tete_dans_le_navigateur(page, live_server, settings, tmp_path):
    """« chenove » trouve la ville de Chenôve et ses opérations ; l'adresse de la page de résultats ne porte rien."""
    settings.MEDIA_ROOT = tmp_path / "media"
    charger_demo(force=True)
    se_connecter(page, live_server, "animation", MOT_DE_PASSE_DEMO)
    page.get_by_label("Recherche globale (code ou nom)").fill("chenove")
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recherche")
    expect(page.get_by_role("link", name="Ville de Chenôve", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="OP-2016-012 — Portage de référents de parcours PLIE 2016 – Ville de Chenôve")
           ).to_be_visible()
    assert page.url == f"{live_server.url}/recherche/"
