"""Les commissions en un tableau : une ligne fautive est nommée, montrée à sa place, et chaque choix fait sur les autres
lignes est gardé ; rien n'est enregistré tant qu'une ligne est fautive ; afficher la page n'écrit rien."""
from django.urls import reverse

from operations.forms import TransitionForm
from participants.models import Participant
from participants.options import StatutEntree
from participants.views_commissions import DecisionDEntree, DecisionDeSortie

from .test_orientation import orienter

PRENOMS = ["Lina", "Paul", "Inès", "Hugo", "Léa", "Nora", "Yanis", "Chloé", "Sami", "Emma"]


def test_les_lignes_se_valident_par_le_formulaire_des_transitions():
    assert issubclass(DecisionDEntree, TransitionForm) and issubclass(DecisionDeSortie, TransitionForm)


def test_dix_personnes_une_erreur_les_neuf_autres_choix_sont_gardes(referent, animation, client):
    personnes = [orienter(referent, nom=f"Nom{rang}") for rang in range(10)]
    for personne, prenom in zip(personnes, PRENOMS):
        Participant.objects.filter(pk=personne.pk).update(prenom=prenom)
    client.force_login(animation)
    adresse = reverse("participants:commission_entree")
    assert client.get(adresse).status_code == 200
    choix = {}
    for rang, personne in enumerate(personnes):
        choix[f"decision-{personne.pk}"] = "refuser" if rang in (2, 5) else "valider"
    choix[f"motif-{personnes[2].pk}"] = "Hors du territoire du PLIE."  # la 6e (Nora) est refusée sans motif
    page = client.post(adresse, choix).content.decode()

    assert "1 erreur : aucune décision n'a été enregistrée ; vos autres choix sont gardés" in page
    nora = personnes[5]
    # Le résumé nomme la personne de la ligne fautive et mène à son champ.
    assert (f'<a href="#id_motif-{nora.pk}">Nora Nom5 (PLIE-{nora.pk:06d}) : le motif est obligatoire pour refuser '
            'une entrée.</a>') in page
    assert f'<tr id="ligne-{nora.pk}" class="ligne-en-erreur">' in page
    for rang, personne in enumerate(personnes):
        attendu = "refuser" if rang in (2, 5) else "valider"
        assert f'<select name="decision-{personne.pk}" id="id_decision-{personne.pk}"' in page
        debut = page.index(f'id="id_decision-{personne.pk}"')
        assert f'<option value="{attendu}" selected>' in page[debut:page.index("</select>", debut)]
    assert 'value="Hors du territoire du PLIE."' in page
    assert set(Participant.objects.values_list("statut_entree", flat=True)) == {StatutEntree.ORIENTE}

    choix[f"motif-{nora.pk}"] = "Orientée vers la Mission locale."
    assert client.post(adresse, choix).status_code == 302
    assert Participant.objects.filter(statut_entree=StatutEntree.ENTRE).count() == 8
    assert Participant.objects.get(pk=nora.pk).motif_refus_entree == "Orientée vers la Mission locale."


def test_une_decision_inconnue_est_nommee(referent, animation, client):
    lina = orienter(referent)
    client.force_login(animation)
    page = client.post(reverse("participants:commission_entree"), {f"decision-{lina.pk}": "effacer"}).content.decode()
    assert f"{lina} : décision inconnue." in page
    assert Participant.objects.get(pk=lina.pk).statut_entree == StatutEntree.ORIENTE


def test_les_commissions_s_affichent_sans_ecrire(referent, animation, client):
    orienter(referent)
    client.force_login(animation)
    for nom in ("participants:commission_entree", "participants:commission"):
        # Le garde `lecture_seule` ferait échouer la requête à la première écriture.
        assert client.get(reverse(nom)).status_code == 200
