"""Ce que partagent les parcours navigateur : connexion, déconnexion, captures d'écran.

Chaque étape d'un parcours laisse une capture pleine page (`capturer(page, "03-depot")`) dans
`artefacts/parcours/<nom du test>/` (ou sous `CAPTURES=/un/dossier`) ; le dossier est imprimé à la première capture.
"""
import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import MOT_DE_PASSE

CAPTURES = Path(os.environ.get("CAPTURES") or Path(__file__).resolve().parents[2] / "artefacts" / "parcours")


_ANNONCES: set[Path] = set()


def capturer(page, nom):
    test = os.environ.get("PYTEST_CURRENT_TEST", "parcours").split("::")[-1].split(" ")[0]
    dossier = CAPTURES / re.sub(r"[^\w.-]+", "_", test)
    if dossier not in _ANNONCES:
        _ANNONCES.add(dossier)
        dossier.mkdir(parents=True, exist_ok=True)
        print(f"\ncaptures du parcours : {dossier}")
    page.screenshot(path=str(dossier / f"{nom}.png"), full_page=True)


def se_connecter(page, live_server, identifiant, mot_de_passe=MOT_DE_PASSE):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def se_deconnecter(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def planifier_une_seance(page, jour: str, lieu: str, inscrits: list[str], formateur="Mme Roux", heures="3.5"):
    """Depuis la page « Séances et émargement » : une séance du matin, `jour` au format AAAA-MM-JJ."""
    page.get_by_label("Date (obligatoire)").fill(jour)
    page.get_by_label("Demi-journée (obligatoire)").select_option("matin")
    page.get_by_label("Heures (obligatoire)").fill(heures)
    page.get_by_label("Lieu (obligatoire)").fill(lieu)
    page.get_by_label("Formateur ou formatrice (obligatoire)").fill(formateur)
    for nom in inscrits:
        page.get_by_label(nom).check()
