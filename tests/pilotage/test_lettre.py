"""La lettre d'information mensuelle : ses chiffres (un petit jeu fait main), son document, son envoi unique."""
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from operations.workflow import ActionRefusee
from pilotage.calendrier import premier_jour_ouvre
from pilotage.envoi import distribuer, jeton_d_archive
from pilotage.lettre import chiffres_de_la_lettre
from pilotage.models import EnvoiLettre, LettreMensuelle
from pilotage.planifiees import lettre_du_mois_precedent
from pilotage.services import lettre_envoyer, lettre_modifier_editorial, lettre_preparer
from tests.lecture_docx import ouvrir, texte, verifier_publicite

from .factories import NOM_PERSONNEL, DestinataireFactory, jeu_de_mars

MARS = date(2017, 3, 1)


def _lignes(chiffres):
    return {ligne["cle"]: (ligne["valeur"], ligne["precedent"], ligne["ecart"]) for ligne in chiffres["lignes"]}


def test_les_chiffres_de_mars_2017_contre_mars_2016(db):
    jeu_de_mars()
    chiffres = chiffres_de_la_lettre(MARS)
    # Mars 2017 : suivis A, B, C, D, E ; entrées B, C ; sorties D (CDI, positive) et E (déménagement) ; une étape vers
    # l'emploi (le CDI de A). Mars 2016 : suivis D, E, F, G ; entrée F ; sortie G (formation qualifiante, positive) ;
    # deux intérims.
    assert _lignes(chiffres) == {
        "accompagnes": (5, 4, "1"),
        "entrees": (2, 1, "1"),
        "sorties": (2, 1, "1"),
        "sorties_positives": (1, 1, "0"),
        "taux_sorties_positives": ("0.5", "1.0", "-0.5"),
        "etapes_vers_emploi": (1, 2, "-1"),
        "heures_clauses": ("0", "0", "0"), "aides_montant": ("0.00", "0.00", "0.00"), "aides_participants": (0, 0, "0"),
    }
    sources = {ligne["cle"]: ligne["source"] for ligne in chiffres["lignes"]}
    assert all(sources[cle].startswith("docs/specs/rapport-activite.md") for cle in ("accompagnes", "sorties"))
    assert all(sources[cle].startswith("docs/specs/clauses-et-enveloppe.md") for cle in ("heures_clauses", "aides_montant"))
    # Le portage 2017 au 31 mars : 2 entrées sur 10, 1 sortie positive sur 4.
    [operation] = chiffres["operations"]
    assert operation["code"] == "OP-2017-001"
    assert [(o["indicateur"], o["realise"], o["cible"], o["part"]) for o in operation["objectifs"]] == [
        ("Entrées", "2", "10.00", "0.200"), ("Sorties positives", "1", "4.00", "0.250")]


def test_les_heures_de_clauses_et_les_aides_du_mois(db, referent, animation, structure):
    from participants.models import HeuresClause
    from tests.justificatifs.aides import enveloppe, participant, payee

    for mois, heures in [(date(2017, 3, 1), "120.5"), (date(2016, 3, 1), "100"), (date(2017, 4, 1), "35")]:
        HeuresClause.objects.create(salarie="S1", sexe="H", employeur="Colas", marche="Tram", secteur="BTP",
                                    contrat="CTTI", mois=mois, heures=heures)
    enveloppe("1000.00", annee=2017)
    payee(referent, animation, participant(structure), "350,00", le=date(2017, 3, 1))  # payée le 11/03/2017
    payee(referent, animation, participant(structure), "80,00", le=date(2017, 2, 1))  # payée en février
    lignes = _lignes(chiffres_de_la_lettre(MARS))
    # Mars 2017 contre mars 2016 : 120,5 heures contre 100 (sommées exactes, arrondies à l'affichage seulement) ;
    # 350 € payés à une personne contre rien (aucune enveloppe en 2016) ; février et avril ne comptent pas.
    assert lignes["heures_clauses"] == ("120.5", "100", "20.5")
    assert lignes["aides_montant"] == ("350.00", "0.00", "350.00")
    assert lignes["aides_participants"] == (1, 0, "1")


def test_le_document_de_la_lettre(db, animation):
    operation = jeu_de_mars()
    lettre = lettre_preparer(mois=MARS, user=animation)
    lettre = lettre_modifier_editorial(lettre=lettre, editorial="Un mois de mars dynamique.\nMerci aux référents.",
                                       user=animation)
    docx = ouvrir(lettre.document)
    contenu = texte(docx)
    assert "Lettre d'information du PLIE — mars 2017" in contenu
    assert "Un mois de mars dynamique." in contenu and "Merci aux référents." in contenu
    chiffres = next(t for t in docx.tables if t.rows[0].cells[0].text == "Indicateur")
    lignes = {ligne.cells[0].text: [c.text for c in ligne.cells[1:]] for ligne in chiffres.rows}
    assert lignes["Indicateur"] == ["mars 2017", "mars 2016", "Écart"]
    assert lignes["Personnes suivies"] == ["5", "4", "+1"]
    assert lignes["Taux de sorties positives"] == ["50,0\u00a0%", "100,0\u00a0%", "-50 pt"]
    assert lignes["Étapes vers l'emploi"] == ["1", "2", "-1"]
    objectifs = next(t for t in docx.tables if t.rows[0].cells[0].text == "Opération")
    assert [c.text for c in objectifs.rows[1].cells] == [
        "OP-2017-001 — Portage des référents 2017", "SREF", "Entrées", "2 participants", "10 participants", "20\u00a0%"]
    verifier_publicite(docx, operation.programme)
    assert NOM_PERSONNEL not in contenu  # des chiffres agrégés, aucune donnée personnelle
    assert lettre.document.empreinte


@pytest.mark.parametrize("annee, mois, attendu", [
    (2019, 1, date(2019, 1, 2)),  # 1er janvier (un mardi) férié
    (2017, 5, date(2017, 5, 2)),  # 1er mai (un lundi) férié
    (2021, 5, date(2021, 5, 3)),  # 1er mai un samedi, puis le dimanche
    (2017, 4, date(2017, 4, 3)),  # un samedi
    (2017, 3, date(2017, 3, 1)),  # un mercredi ordinaire
    (2017, 1, date(2017, 1, 2)),  # 1er janvier un dimanche
])
def test_le_premier_jour_ouvre(annee, mois, attendu):
    assert premier_jour_ouvre(annee, mois) == attendu


def test_la_tache_ne_fait_rien_hors_du_premier_jour_ouvre(db):
    DestinataireFactory()
    assert lettre_du_mois_precedent.delay("2017-04-04").get() is None
    assert not LettreMensuelle.objects.exists() and not mail.outbox


def test_la_tache_lancee_deux_fois_n_envoie_qu_une_fois(db, django_capture_on_commit_callbacks):
    jeu_de_mars()
    DestinataireFactory(courriel="financeur@exemple.fr")
    DestinataireFactory(courriel="Financeur@Exemple.fr".lower().replace("financeur", "prescripteur"),
                        categorie="prescripteur")
    DestinataireFactory(courriel="inactif@exemple.fr", actif=False)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            pk = lettre_du_mois_precedent.delay("2017-04-03").get()  # le lundi 3 avril 2017
    lettre = LettreMensuelle.objects.get(pk=pk)
    assert lettre.mois == MARS and lettre.envoyee
    assert sorted(m.to[0] for m in mail.outbox) == ["financeur@exemple.fr", "prescripteur@exemple.fr"]
    assert EnvoiLettre.objects.filter(lettre=lettre).count() == 2
    courriel = mail.outbox[0]
    assert courriel.subject == "Lettre d'information du PLIE — mars 2017"
    assert courriel.attachments[0][0] == "lettre-plie-2017-03.docx"
    assert reverse("pilotage:lettre_archive", args=[jeton_d_archive(lettre)]) in courriel.body


PANNE = set()


class BoiteEnPanne(EmailBackend):
    """Le serveur de courriel tombe pour certaines adresses (OSError, comme une connexion SMTP refusée)."""

    def send_messages(self, messages):
        if any(set(m.to) & PANNE for m in messages):
            raise OSError("serveur de courriel injoignable")
        return super().send_messages(messages)


def test_l_envoi_reprend_apres_une_panne_sans_resservir_personne(db, animation, settings):
    settings.EMAIL_BACKEND = "tests.pilotage.test_lettre.BoiteEnPanne"
    jeu_de_mars()
    for nom in ("a", "b", "c"):
        DestinataireFactory(courriel=f"{nom}@exemple.fr")
    lettre = lettre_preparer(mois=MARS, user=animation)
    lettre_envoyer(lettre=lettre, user=animation)  # la distribution suit le commit : lancée ici à la main
    PANNE.add("b@exemple.fr")
    try:
        with pytest.raises(OSError):
            distribuer(lettre.pk)
    finally:
        PANNE.clear()
    assert [m.to[0] for m in mail.outbox] == ["a@exemple.fr"]
    assert list(EnvoiLettre.objects.values_list("courriel", flat=True)) == ["a@exemple.fr"]
    assert distribuer(lettre.pk) == 2  # reprise : b et c seulement
    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "b@exemple.fr", "c@exemple.fr"]
    assert distribuer(lettre.pk) == 0


def test_un_envoi_deja_fait_est_refuse_et_la_lettre_ne_change_plus(db, animation, django_capture_on_commit_callbacks):
    jeu_de_mars()
    DestinataireFactory()
    lettre = lettre_preparer(mois=MARS, user=animation)
    with django_capture_on_commit_callbacks(execute=True):
        lettre_envoyer(lettre=lettre, user=animation)
    with pytest.raises(ActionRefusee, match="a déjà été envoyée"):
        lettre_envoyer(lettre=lettre, user=animation)
    with pytest.raises(ActionRefusee, match="a déjà été envoyée"):
        lettre_modifier_editorial(lettre=lettre, editorial="Trop tard", user=animation)
    document = LettreMensuelle.objects.get(pk=lettre.pk).document
    assert lettre_preparer(mois=MARS, user=animation).document == document  # une lettre partie n'est pas reconstruite
    assert len(mail.outbox) == 1


def test_sans_destinataire_l_envoi_est_refuse(db, animation):
    lettre = lettre_preparer(mois=MARS, user=animation)
    with pytest.raises(ActionRefusee, match="Aucun destinataire actif"):
        lettre_envoyer(lettre=lettre, user=animation)
    assert not LettreMensuelle.objects.get(pk=lettre.pk).envoyee


def test_le_lien_d_archive_signe(db, client, animation, django_capture_on_commit_callbacks):
    DestinataireFactory()
    lettre = lettre_preparer(mois=MARS, user=animation)
    jeton = jeton_d_archive(lettre)
    assert client.get(reverse("pilotage:lettre_archive", args=[jeton])).status_code == 404  # pas encore envoyée
    with django_capture_on_commit_callbacks(execute=True):
        lettre_envoyer(lettre=lettre, user=animation)
    reponse = client.get(reverse("pilotage:lettre_archive", args=[jeton]))  # sans compte
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].endswith('filename="lettre-plie-2017-03.docx"')
    with lettre.document.fichier.open("rb") as fichier:
        assert b"".join(reponse.streaming_content) == fichier.read()
    for faux in (jeton[:-1] + ("A" if jeton[-1] != "A" else "B"), "1", str(lettre.pk)):
        assert client.get(reverse("pilotage:lettre_archive", args=[faux])).status_code == 404


def test_la_commande(db, tmp_path, capsys, django_capture_on_commit_callbacks):
    jeu_de_mars()
    DestinataireFactory()
    with pytest.raises(CommandError, match="Mois invalide : « 2017-13 »"):
        call_command("lettre_mensuelle", "--mois", "2017-13")
    with pytest.raises(CommandError, match="Mois invalide : « mars »"):
        call_command("lettre_mensuelle", "--mois", "mars")
    assert not LettreMensuelle.objects.exists()
    sortie = tmp_path / "lettre.docx"
    call_command("lettre_mensuelle", "--mois", "2017-03", "--sortie", str(sortie))
    from docx import Document

    assert "Lettre d'information du PLIE — mars 2017" in texte(Document(str(sortie)))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lettre_mensuelle", "--mois", "2017-03", "--envoyer")
    assert "envoyée à 1 destinataire" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="a déjà été envoyée"):
        call_command("lettre_mensuelle", "--mois", "2017-03", "--envoyer")
    assert len(mail.outbox) == 1


def test_la_commande_sort_en_erreur_avec_le_code_1(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2]
    resultat = subprocess.run([sys.executable, "manage.py", "lettre_mensuelle", "--mois", "2017-3x"], cwd=racine,
                              capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite://:memory:"})
    assert resultat.returncode == 1
    assert "Mois invalide : « 2017-3x »" in resultat.stderr


@pytest.mark.libreoffice
def test_avec_libreoffice_la_lettre_part_en_pdf(db, client, animation, django_capture_on_commit_callbacks):
    DestinataireFactory(courriel="financeur@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        lettre = lettre_preparer(mois=MARS, user=animation)  # le PDF suit le Word, après commit
    lettre = LettreMensuelle.objects.get(pk=lettre.pk)
    assert lettre.pdf is not None and lettre.pdf.nom == "lettre-plie-2017-03.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        lettre_envoyer(lettre=lettre, user=animation)
    nom, contenu, type_mime = mail.outbox[0].attachments[0]
    assert nom == "lettre-plie-2017-03.pdf" and contenu.startswith(b"%PDF")
    reponse = client.get(reverse("pilotage:lettre_archive", args=[jeton_d_archive(lettre)]))
    assert reponse["Content-Type"] == "application/pdf"
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


def test_la_tache_est_planifiee_chaque_matin_et_enregistree(settings):
    from config.celery import app as celery_app

    planifiee = settings.CELERY_BEAT_SCHEDULE["lettre-mensuelle"]
    assert planifiee["task"] == lettre_du_mois_precedent.name == "pilotage.planifiees.lettre_du_mois_precedent"
    assert planifiee["schedule"].hour == {6} and planifiee["schedule"].minute == {30}
    assert lettre_du_mois_precedent.name in celery_app.tasks
