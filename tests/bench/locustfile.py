"""Les utilisateurs simulés du banc de charge (`tests/bench/test_charge.py`) : chacun arrive avec la session de son
compte d'animation d'un PLIE, parcourt les listes et les fiches, et déclare recevables des demandes déposées de son
PLIE, tirées au hasard dans un même lot (plusieurs peuvent viser la même au même instant : une seule transition doit
passer). De temps en temps, il tente d'ouvrir une demande d'un autre PLIE : seul « introuvable » (404) est un succès."""
import json
import os
import random
import re

from locust import HttpUser, between, task

CODES = json.loads(os.environ["CHARGE_CODES"])  # {rang du PLIE: ses codes}
SESSIONS = iter(s.split(":") for s in os.environ["CHARGE_SESSIONS"].split(","))  # rang du PLIE:clé de session
SUCCES = "est maintenant « Recevable »"


class Animation(HttpUser):
    wait_time = between(2, 5)  # le temps de lire une page avant la suivante

    def on_start(self):
        plie, session = next(SESSIONS)
        self.client.cookies.set("sessionid", session)
        self.codes = CODES[plie]
        self.ailleurs = [code for autre, codes in CODES.items() if autre != plie for code in codes]
        self.autre_plie()  # au moins une fois chacun, puis au hasard

    def _jeton(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    @task(3)
    def liste(self):
        self.client.get("/operations/", name="/operations/")

    @task(2)
    def fiche(self):
        self.client.get(f"/operations/{random.choice(self.codes)}/", name="/operations/[code]/")

    @task(1)
    def participants(self):
        self.client.get("/participants/", name="/participants/")

    @task(2)
    def declarer_recevable(self):
        code = random.choice(self.codes)
        page = self.client.get(f"/operations/{code}/", name="/operations/[code]/").text
        with self.client.post(f"/operations/{code}/transition/declarer_recevable/",
                              {"csrfmiddlewaretoken": self._jeton(page)}, name="transition",
                              catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")
            elif SUCCES in reponse.text:
                with open(os.environ["CHARGE_JOURNAL"], "a") as journal:
                    journal.write(code + "\n")

    @task(1)
    def autre_plie(self):
        with self.client.get(f"/operations/{random.choice(self.ailleurs)}/", name="autre PLIE (404 attendu)",
                             catch_response=True) as reponse:
            if reponse.status_code == 404:
                reponse.success()
            else:
                reponse.failure(f"demande d'un autre PLIE : statut {reponse.status_code} au lieu de 404")
