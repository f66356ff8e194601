"""Les pages de la lettre : préparer, relire, écrire l'éditorial, envoyer une fois ; gérer les destinataires."""
import html
from datetime import date

from django.core import mail
from django.urls import reverse

from annuaire.roles import Role
from pilotage.models import Destinataire, LettreMensuelle
from pilotage.services import lettre_envoyer, lettre_preparer
from tests.factories import StructureFactory, utilisateur

from .factories import DestinataireFactory, jeu_de_mars


def _page(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_preparer_relire_ecrire_l_editorial_et_envoyer_une_fois(db, client, animation,
                                                                django_capture_on_commit_callbacks):
    jeu_de_mars()
    DestinataireFactory(courriel="financeur@exemple.fr")
    DestinataireFactory(courriel="prescripteur@exemple.fr", categorie="prescripteur")
    client.force_login(animation)
    reponse = client.post(reverse("pilotage:lettre_preparer"), {"mois": "2017-03"}, follow=True)
    page = _page(reponse)
    assert "La lettre de mars 2017 est prête à relire." in page
    ligne = page.split("<th scope=\"row\">Personnes suivies</th>")[1].split("</tr>")[0]
    assert ">5<" in ligne and ">4<" in ligne and ">+1<" in ligne and "docs/specs/rapport-activite.md" in ligne
    assert "Envoyer à 2 destinataires" in page

    lettre = LettreMensuelle.objects.get(mois=date(2017, 3, 1))
    avant = lettre.document_id
    reponse = client.post(reverse("pilotage:lettre_editorial", args=["2017-03"]),
                          {"editorial": "Bienvenue aux nouveaux référents."}, follow=True)
    assert "la lettre a été reconstruite" in _page(reponse)
    assert "Bienvenue aux nouveaux référents." in _page(reponse)
    assert LettreMensuelle.objects.get(pk=lettre.pk).document_id != avant

    confirmation = _page(client.get(reverse("pilotage:lettre_envoyer", args=["2017-03"])))
    assert "La lettre part à <strong>2 destinataires</strong>" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("pilotage:lettre_envoyer", args=["2017-03"]), follow=True)
    assert "La lettre de mars 2017 part vers 2 destinataires." in _page(reponse)
    assert len(mail.outbox) == 2
    reponse = client.post(reverse("pilotage:lettre_envoyer", args=["2017-03"]), follow=True)
    assert "La lettre de mars 2017 a déjà été envoyée le" in _page(reponse)
    reponse = client.get(reverse("pilotage:lettre_editorial", args=["2017-03"]), follow=True)
    assert "son éditorial ne change plus" in _page(reponse)
    assert len(mail.outbox) == 2
    docx = client.get(reverse("pilotage:lettre_document", args=["2017-03", "docx"]))
    assert docx.status_code == 200 and docx["Content-Disposition"].endswith('"lettre-plie-2017-03.docx"')
    assert client.get(reverse("pilotage:lettre_document", args=["2017-03", "pdf"])).status_code == 404  # sans LibreOffice


def test_un_mois_invalide_ou_a_venir_est_refuse(db, client, animation):
    client.force_login(animation)
    page = _page(client.post(reverse("pilotage:lettre_preparer"), {"mois": "2017-13"}))
    assert "Mois (AAAA-MM) : Mois invalide : « 2017-13 »" in page
    page = _page(client.post(reverse("pilotage:lettre_preparer"), {"mois": "2999-01"}, follow=True))
    assert "Le mois de janvier 2999 n'est pas commencé" in page
    assert not LettreMensuelle.objects.exists()


def test_le_comite_lit_les_seules_lettres_envoyees(db, client, animation, comite, django_capture_on_commit_callbacks):
    DestinataireFactory()
    with django_capture_on_commit_callbacks(execute=True):
        lettre_envoyer(lettre=lettre_preparer(mois=date(2017, 2, 1)), par_le_systeme=True)
    lettre_preparer(mois=date(2017, 3, 1))
    client.force_login(comite)
    page = _page(client.get(reverse("pilotage:lettres")))
    assert "Février 2017" in page and "Mars 2017" not in page
    assert "Préparer ou actualiser" not in page
    assert client.get(reverse("pilotage:lettre", args=["2017-03"])).status_code == 404
    page = _page(client.get(reverse("pilotage:lettre", args=["2017-02"])))
    assert "Lettre d'information du PLIE — février 2017" in page and "Envoyer à" not in page


def test_les_destinataires(db, client, animation):
    client.force_login(animation)
    adresse = reverse("pilotage:destinataire_ajouter")
    reponse = client.post(adresse, {"nom": "Métropole", "courriel": "lettre@metropole.fr", "categorie": "financeur",
                                    "actif": "on"}, follow=True)
    assert "Destinataire « Métropole » enregistré." in _page(reponse)
    page = _page(client.post(adresse, {"nom": "Doublon", "courriel": "Lettre@Metropole.FR", "categorie": "financeur"}))
    assert "Cette adresse électronique reçoit déjà la lettre." in page and "rien n'a été enregistré" in page
    page = _page(client.post(adresse, {"nom": "", "courriel": "pas-une-adresse", "categorie": "financeur"}))
    assert "Adresse électronique :" in page and "Nom :" in page
    assert Destinataire.objects.count() == 1

    metropole = Destinataire.objects.get()
    reponse = client.post(reverse("pilotage:destinataire_desactiver", args=[metropole.pk]), follow=True)
    assert "« Métropole » ne recevra plus la lettre." in _page(reponse)
    assert not Destinataire.objects.get().actif


def test_ajouter_les_porteurs_et_referents_depuis_les_comptes(db, client, animation):
    structure = StructureFactory(nom="APSALC")
    porteur = utilisateur(Role.PORTEUR, structure=structure, email="porteur@apsalc.fr")
    referent = utilisateur(Role.REFERENT, structure=structure, email="referente@apsalc.fr")
    utilisateur(Role.REFERENT, structure=structure, email="")  # sans adresse : pas proposé
    DestinataireFactory(courriel="REFERENTE@apsalc.fr")  # déjà destinataire (sans casse) : pas proposé
    client.force_login(animation)
    page = _page(client.get(reverse("pilotage:destinataires_comptes")))
    assert "porteur@apsalc.fr" in page and "referente@apsalc.fr" not in page
    client.post(reverse("pilotage:destinataires_comptes"), {"comptes": [str(porteur.pk)]})
    ajoute = Destinataire.objects.get(courriel="porteur@apsalc.fr")
    assert ajoute.categorie == "porteur" and ajoute.structure == structure
    assert referent.email and Destinataire.objects.count() == 2


def test_le_bureau_de_l_animation_montre_la_lettre_a_relire(db, client, animation):
    lettre_preparer(mois=date(2017, 3, 1))
    client.force_login(animation)
    page = _page(client.get(reverse("accueil")))
    assert "Lettre d'information mensuelle" in page
    assert "Lettre d'information de mars 2017" in page and reverse("pilotage:lettre", args=["2017-03"]) in page
