"""Orienter une personne, décider de son entrée en commission : elle ne compte qu'une fois entrée."""
import html
from datetime import date

import pytest
from django.urls import reverse

from annuaire.models import Commune, Prescripteur
from operations.workflow import ActionRefusee, historique
from participants.models import Participant
from participants.options import StatutEntree
from participants.rapport import rapport_activite
from participants.services import commission_d_entree, participant_orienter


def orienter(user, nom="Moreau", **champs):
    return participant_orienter(user=user, nom=nom, prenom="Lina", sexe="F", date_naissance=date(1990, 5, 4),
                                commune=Commune.objects.get(nom="Talant"), prescripteur=Prescripteur.objects.get(code="SPIP"),
                                date_entree=date(2016, 4, 1), **champs)


def test_le_referent_oriente_la_commission_valide_ou_refuse(referent, animation, client):
    lina, paul = orienter(referent), orienter(referent, nom="Roux")
    assert lina.identifiant == f"PLIE-{lina.pk:06d}" and lina.structure_referent_id == referent.structure_id
    assert lina.statut_entree == StatutEntree.ORIENTE
    assert rapport_activite(date(2016, 1, 1), date(2016, 12, 31))["entrees"]["total"] == 0  # pas encore entrée

    client.force_login(animation)
    refus_sans_motif = client.post(reverse("participants:commission_entree"), {f"decision-{lina.pk}": "valider",
                                                                               f"decision-{paul.pk}": "refuser"})
    assert "le motif est obligatoire pour refuser" in refus_sans_motif.content.decode()
    assert Participant.objects.get(pk=lina.pk).statut_entree == StatutEntree.ORIENTE  # tout ou rien
    client.post(reverse("participants:commission_entree"), {f"decision-{lina.pk}": "valider", f"decision-{paul.pk}": "refuser",
                                                             f"motif-{paul.pk}": "Hors du territoire du PLIE."})
    assert Participant.objects.get(pk=lina.pk).statut_entree == StatutEntree.ENTRE
    paul = Participant.objects.get(pk=paul.pk)
    assert (paul.statut_entree, paul.motif_refus_entree) == (StatutEntree.REFUSE, "Hors du territoire du PLIE.")
    assert rapport_activite(date(2016, 1, 1), date(2016, 12, 31))["entrees"]["total"] == 1


def test_qui_oriente_et_qui_decide(porteur, referent):
    with pytest.raises(ActionRefusee, match="Seuls les référents et l'équipe d'animation"):
        orienter(porteur)
    lina = orienter(referent)
    with pytest.raises(ActionRefusee, match="tenue par l'équipe d'animation"):
        commission_d_entree(decisions=[(lina, "valider", "")], user=referent)


def test_le_formulaire_d_orientation(client, referent):
    client.force_login(referent)
    reponse = client.post(reverse("participants:orienter"), {
        "nom": "Garcia", "prenom": "Inès", "sexe": "F", "date_naissance": "2017-01-01", "commune": Commune.objects.get(nom="Dijon").pk,
        "prescripteur": Prescripteur.objects.get(code="POLE_EMPLOI").pk, "date_entree": "2016-09-01",
        "beneficiaire_rsa": "unknown", "rqth": "unknown", "menage_sans_emploi": "unknown", "enfants_a_charge": "unknown",
        "parent_isole": "unknown", "sans_domicile": "unknown"})
    assert "La date de naissance doit précéder l&#x27;entrée." in reponse.content.decode()
    assert not Participant.objects.exists()


def test_chaque_decision_d_entree_laisse_sa_ligne_d_historique_lue_sur_la_fiche(referent, animation, client):
    lina, paul = orienter(referent), orienter(referent, nom="Roux")
    commission_d_entree(decisions=[(lina, "valider", "note ignorée"), (paul, "refuser", "Hors du territoire du PLIE.")],
                        user=animation)

    lignes = [(h.by, h.source_state, h.state, h.description) for h in historique(Participant.objects.get(pk=paul.pk))]
    assert lignes == [(animation, "oriente", "refuse", "Hors du territoire du PLIE.")]
    assert [(h.state, h.description) for h in historique(lina)] == [("entre", "")]

    client.force_login(referent)
    page = html.unescape(client.get(reverse("participants:fiche", args=[paul.pk])).content.decode())
    tableau = page.split("Historique de l'entrée")[1].split("</table>")[0]
    assert "Orienté, en attente de la commission d'entrée" in tableau and "Entrée refusée" in tableau
    assert "Hors du territoire du PLIE." in tableau and str(animation) in tableau


def test_l_entree_ne_s_ecrit_qu_en_commission(referent, animation):
    lina = orienter(referent)
    with pytest.raises(AttributeError):
        lina.statut_entree = StatutEntree.ENTRE  # champ protégé : seule une transition l'écrit
    commission_d_entree(decisions=[(lina, "valider", "")], user=animation)
    with pytest.raises(ActionRefusee, match="n'est plus en attente de la commission d'entrée"):
        commission_d_entree(decisions=[(lina, "refuser", "Doublon.")], user=animation)
    assert Participant.objects.get(pk=lina.pk).statut_entree == StatutEntree.ENTRE
    assert historique(lina).count() == 1


def test_une_decision_deja_prise_par_un_autre_n_ecrit_rien(referent, animation):
    """Deux commissions sur la même liste : la seconde est refusée, tout ou rien, sans ligne d'historique de plus."""
    lina, paul = orienter(referent), orienter(referent, nom="Roux")
    commission_d_entree(decisions=[(paul, "valider", "")], user=animation)
    with pytest.raises(ActionRefusee, match="Roux .* n'est plus en attente"):
        commission_d_entree(decisions=[(lina, "valider", ""), (paul, "refuser", "Trop tard.")], user=animation)
    assert Participant.objects.get(pk=lina.pk).statut_entree == StatutEntree.ORIENTE
    assert historique(lina).count() == 0 and historique(paul).count() == 1
