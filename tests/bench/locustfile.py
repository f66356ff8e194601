"""Les utilisateurs simulés du banc de charge (`tests/bench/test_charge.py`) : chacun arrive avec la session de son
compte d'animation, parcourt les listes et les fiches, et déclare recevables des demandes déposées, tirées au hasard dans
un même lot (plusieurs peuvent viser la même au même instant : une seule transition doit passer)."""
import os
import random
import re

from locust import HttpUser, between, task

CODES = os.environ["CHARGE_CODES"].split(",")
SESSIONS = iter(os.environ["CHARGE_SESSIONS"].split(","))
SUCCES = "est maintenant « Recevable »"


class Animation(HttpUser):
    wait_time = between(2, 5)  # le temps de lire une page avant la suivante

    def on_start(self):
        self.client.cookies.set("sessionid", next(SESSIONS))

    def _jeton(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    @task(3)
    def liste(self):
        self.client.get("/operations/", name="/operations/")

    @task(2)
    def fiche(self):
        self.client.get(f"/operations/{random.choice(CODES)}/", name="/operations/[code]/")

    @task(1)
    def participants(self):
        self.client.get("/participants/", name="/participants/")

    @task(2)
    def declarer_recevable(self):
        code = random.choice(CODES)
        page = self.client.get(f"/operations/{code}/", name="/operations/[code]/").text
        with self.client.post(f"/operations/{code}/transition/declarer_recevable/",
                              {"csrfmiddlewaretoken": self._jeton(page)}, name="transition",
                              catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")
            elif SUCCES in reponse.text:
                with open(os.environ["CHARGE_JOURNAL"], "a") as journal:
                    journal.write(code + "\n")
