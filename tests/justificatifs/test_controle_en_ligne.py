"""Le contrôle de service fait décidé ligne à ligne et par lot, sans rechargement : les lots passent par les mêmes
services que les lignes (mêmes droits, même trace, tout ou rien), une dépense sans pièce ne se retient pas sans
motivation, la page qui montre n'écrit rien, et les réponses htmx rendent la ligne et, hors bande, ce qui en dépend."""
from decimal import Decimal

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from annuaire.lecture_seule import EcritureInterdite, lecture_seule
from justificatifs import controle
from justificatifs.models import ControleDepense, ControleServiceFait, MotifRejet, PieceJustificative
from operations.workflow import ActionRefusee
from tests.justificatifs.test_controle import depose  # noqa: F401 (fixture : un bilan final déposé, 3 dépenses)

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(bilan, nom, *args):
    return reverse(f"justificatifs:{nom}", args=[bilan.operation.code, bilan.rang, *args])


def par_libelle(bilan):
    return {d.libelle: d for d in bilan.depenses.all()}


def test_la_page_du_controle_n_ecrit_rien(depose, gestionnaire, client):
    client.force_login(gestionnaire)
    page = client.get(url(depose, "controle"))
    assert page.status_code == 200 and "Retenir les dépenses cochées" in page.content.decode()
    # L'avance prévue par la convention est montrée sans qu'aucun contrôle soit enregistré : il naît au premier POST.
    assert "2\u202f706,65" in page.content.decode()
    assert not ControleServiceFait.objects.filter(bilan=depose).exists()
    client.post(url(depose, "avance"), {"avance": "1 000,00"})
    assert ControleServiceFait.objects.get(bilan=depose).avance_versee == D("1000")


def test_le_garde_refuse_une_ecriture_pendant_un_get(db):
    @lecture_seule
    def vue_fautive(request):
        with connection.cursor() as curseur:
            curseur.execute("UPDATE auth_group SET name = name WHERE 1 = 0")
        return HttpResponse("écrit")

    @lecture_seule
    def vue_qui_lit(request):
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
        return HttpResponse("lu")

    with pytest.raises(EcritureInterdite, match="Écriture pendant l'affichage d'une page \\(GET\\) : UPDATE"):
        vue_fautive(RequestFactory().get("/"))
    assert vue_qui_lit(RequestFactory().get("/")).content == "lu".encode()
    assert vue_fautive(RequestFactory().post("/")).content == "écrit".encode()  # un POST écrit comme d'habitude


def test_retenir_sans_piece_exige_une_motivation(depose, gestionnaire):
    # Un bilan déposé avant que le dépôt exige les pièces : ses dépenses au réel n'en ont aucune.
    PieceJustificative.objects.filter(bilan=depose).delete()
    depenses = list(depose.depenses.all())
    with pytest.raises(ActionRefusee) as refus:
        controle.depenses_retenir(bilan=depose, depenses=depenses, user=gestionnaire)
    # Les lignes dans l'ordre du tableau (par catégorie) ; le forfait de 15 % ne se justifie pas par une pièce.
    assert str(refus.value) == ("2 dépense(s) sans pièce justificative (« Déplacements », « Référent de parcours "
                                "(0,5 ETP) ») : les retenir exige une motivation.")
    assert not ControleDepense.objects.filter(depense__bilan=depose).exists()  # tout ou rien
    assert controle.depenses_retenir(bilan=depose, depenses=depenses, user=gestionnaire,
                                     commentaire="Pièces vues sur place le 12/09.") == 3
    decisions = ControleDepense.objects.filter(depense__bilan=depose)
    assert [(c.decision, c.par, c.commentaire) for c in decisions] == [
        ("retenue", gestionnaire, "Pièces vues sur place le 12/09.")] * 3


def test_un_lot_a_les_droits_de_la_ligne(depose, porteur):
    with pytest.raises(ActionRefusee, match="« Contrôler une dépense »"):
        controle.depenses_retenir(bilan=depose, depenses=list(depose.depenses.all()), user=porteur, commentaire="Vu.")
    assert not ControleDepense.objects.exists()


def test_le_montant_du_message_est_au_format_francais(depose, gestionnaire):
    personnel = par_libelle(depose)["Référent de parcours (0,5 ETP)"]
    with pytest.raises(ActionRefusee, match="doit être entre 0 et 15\u202f000,00\u00a0€ \\(exclus\\)"):
        controle.depense_controler(depense=personnel, user=gestionnaire, decision="partielle",
                                   montant_retenu=D("20000"), motif=MotifRejet.objects.first())


def test_une_ligne_par_htmx_repond_la_ligne_et_les_totaux(depose, gestionnaire, client):
    client.force_login(gestionnaire)
    deplacements = par_libelle(depose)["Déplacements"]
    motif = MotifRejet.objects.get(code="PIECE_ABSENTE")
    reponse = client.post(url(depose, "decider", deplacements.pk), {
        "decision": "partielle", "montant_retenu": "500,00", "motif": motif.pk, "commentaire": "Deux notes."}, **HTMX)
    corps = reponse.content.decode()
    assert reponse.status_code == 200 and corps.lstrip().startswith(f'<tr id="depense-{deplacements.pk}"')
    assert "Retenue en partie : 500,00\u00a0€" in corps
    assert 'id="etat-du-controle" class="etat-controle" hx-swap-oob="true"' in corps
    assert "1 contrôlée sur 3" in corps and "retenu 500,00\u00a0€" in corps
    assert "Décision enregistrée pour « Déplacements »." in corps
    # Sans JavaScript, la même vue revient à la même ligne de la page.
    reponse = client.post(url(depose, "decider", deplacements.pk), {"decision": "rejetee", "motif": motif.pk})
    assert reponse.status_code == 302 and reponse["Location"].endswith(f"/controle/#depense-{deplacements.pk}")


def test_une_ligne_refusee_garde_sa_saisie_et_dit_pourquoi(depose, gestionnaire, client):
    client.force_login(gestionnaire)
    personnel = par_libelle(depose)["Référent de parcours (0,5 ETP)"]
    reponse = client.post(url(depose, "decider", personnel.pk), {
        "decision": "partielle", "montant_retenu": "14 000,00", "commentaire": "Deux mois sans feuille."}, **HTMX)
    corps = reponse.content.decode()
    assert "choisissez le motif de l&#x27;écart" in corps and 'class="ligne-en-erreur"' in corps
    assert 'value="14 000,00"' in corps and 'value="Deux mois sans feuille."' in corps
    assert '<option value="partielle" selected>' in corps
    assert not ControleDepense.objects.exists()


def test_un_lot_refuse_garde_les_lignes_cochees(depose, gestionnaire, client):
    client.force_login(gestionnaire)
    PieceJustificative.objects.filter(bilan=depose).delete()  # déposé avant que le dépôt exige les pièces
    # Les deux premières lignes du tableau (par catégorie) : le forfait se calcule, les deux autres se prouvent.
    choisies = [d.pk for d in depose.depenses.exclude(categorie="indirectes")][:2]
    corps = client.post(url(depose, "retenir"), {"depenses": choisies}, **HTMX).content.decode()
    assert corps.lstrip().startswith('<section aria-labelledby="titre-depenses" id="depenses"')
    assert "2 dépense(s) sans pièce justificative" in corps and "les retenir exige une motivation" in corps
    for pk in choisies:
        assert f'value="{pk}" form="lot-depenses" checked' in corps
    corps = client.post(url(depose, "retenir"), {"depenses": choisies, "commentaire": "Vu sur place."}, **HTMX)
    assert "2 dépense(s) retenue(s)." in corps.content.decode()
    assert ControleDepense.objects.filter(depense__bilan=depose).count() == 2


def test_une_seance_sans_feuille_signee_n_est_conforme_que_motivee(depose, gestionnaire, client):
    from django.core.files.base import ContentFile

    from justificatifs.models import ControleParticipant
    from participants.models import Seance

    seances = [Seance.objects.create(operation=depose.operation, date=date, demi_journee="matin", heures=D("3"),
                                     lieu="Dijon", formateur="Mme Roux") for date in ("2016-03-01", "2016-03-08")]
    seances[0].feuille_signee.save("feuille.pdf", ContentFile(b"%PDF-1.4"), save=True)
    controle.presences_tirer(bilan=depose, user=gestionnaire)
    signee, sans_feuille = Seance.objects.get(pk=seances[0].pk), Seance.objects.get(pk=seances[1].pk)
    with pytest.raises(ActionRefusee, match="Séance du 08/03/2016 : aucune feuille signée ; la déclarer conforme "
                                            "exige une motivation"):
        controle.realisations_conformes(bilan=depose, user=gestionnaire, objet="presence", lignes=[signee, sans_feuille])
    assert not ControleParticipant.objects.exists()  # tout ou rien
    assert controle.realisations_conformes(bilan=depose, user=gestionnaire, objet="presence", lignes=[signee]) == 1

    # Par htmx : la ligne de la séance, refusée sans motivation, puis conforme avec elle.
    client.force_login(gestionnaire)
    donnees = {"objet": "presence", "seance": sans_feuille.pk, "conforme": "oui"}
    corps = client.post(url(depose, "realisation"), donnees, **HTMX).content.decode()
    assert corps.lstrip().startswith(f'<tr id="seance-{sans_feuille.pk}" class="ligne-en-erreur">')
    assert "aucune feuille signée" in corps and "Séances</strong> : 1 sur 2" in corps
    corps = client.post(url(depose, "realisation"), {**donnees, "commentaire": "Feuille vue sur place."},
                        **HTMX).content.decode()
    assert "conforme (Feuille vue sur place.)" in corps and "Séances</strong> : 2 sur 2" in corps
