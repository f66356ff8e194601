"""Ce que partagent les parcours navigateur : connexion, déconnexion, captures d'écran.

`CAPTURES=/un/dossier` enregistre une capture pleine page de chaque étape (`capturer(page, "03-depot")`).
"""
import os
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import MOT_DE_PASSE

CAPTURES = os.environ.get("CAPTURES")


def capturer(page, nom):
    if CAPTURES:
        Path(CAPTURES).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(CAPTURES) / f"{nom}.png"), full_page=True)


def se_connecter(page, live_server, identifiant, mot_de_passe=MOT_DE_PASSE):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def se_deconnecter(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
