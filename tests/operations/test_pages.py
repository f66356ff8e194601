"""Les pages de l'opération vues par leurs utilisateurs : liste, exports, fiche, actions, saisie du brouillon."""
import csv
import html
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from operations.models import LigneDepense, Operation
from operations.options import Etat
from tests.factories import OperationFactory, financeur, indicateur

pytestmark = pytest.mark.django_db


def texte(reponse):
    """Le texte de la page tel que l'utilisateur le lit (entités HTML décodées)."""
    return html.unescape(reponse.content.decode())


# --- Liste ---

def test_le_porteur_ne_voit_que_les_operations_de_sa_structure(client, porteur, structure, autre_structure):
    a = OperationFactory(porteur=structure, intitule="Remobilisation autour des compétences", etat=Etat.DEPOSEE)
    b = OperationFactory(porteur=autre_structure, intitule="Mobilité professionnelle", etat=Etat.DEPOSEE)
    client.force_login(porteur)
    page = texte(client.get(reverse("operations:liste")))
    assert a.code in page and b.code not in page
    # même en le demandant par le filtre porteur ou la recherche
    page = texte(client.get(reverse("operations:liste"), {"q": "Mobilité"}))
    assert b.code not in page and "Aucune opération" in page


def test_la_liste_filtre_par_etat_type_annee_et_texte(client, animation, structure):
    deposee = OperationFactory(porteur=structure, intitule="Portage de référents", etat=Etat.DEPOSEE)
    recevable = OperationFactory(porteur=structure, intitule="Clauses d'insertion ARIQ BTP", etat=Etat.RECEVABLE)
    pluriannuelle = OperationFactory(
        porteur=structure, intitule="Séminaire seniors", etat=Etat.RECEVABLE,
        date_debut="2016-06-01", date_fin="2017-12-31",
    )
    client.force_login(animation)
    liste = reverse("operations:liste")
    page = texte(client.get(liste, {"etat": Etat.RECEVABLE}))
    assert recevable.code in page and deposee.code not in page
    page = texte(client.get(liste, {"annee": 2017}))
    assert pluriannuelle.code in page and recevable.code not in page
    page = texte(client.get(liste, {"q": "ariq"}))
    assert recevable.code in page and deposee.code not in page and pluriannuelle.code not in page


def test_les_brouillons_restent_prives_a_leur_structure(client, animation, structure):
    brouillon = OperationFactory(porteur=structure)
    client.force_login(animation)
    assert brouillon.code not in texte(client.get(reverse("operations:liste")))
    assert client.get(reverse("operations:fiche", args=[brouillon.code])).status_code == 404


def test_export_csv_a_la_francaise_et_filtre(client, porteur, structure, autre_structure):
    mienne = OperationFactory(porteur=structure, intitule="=HYPERLINK(\"http://x\")", etat=Etat.DEPOSEE)
    OperationFactory(porteur=autre_structure, etat=Etat.DEPOSEE)
    client.force_login(porteur)
    reponse = client.get(reverse("operations:liste"), {"_export": "csv"})
    assert reponse["Content-Disposition"].endswith('.csv"')
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0][:2] == ["Code", "Intitulé"]
    assert len(lignes) == 2, "le porteur n'exporte que sa structure"
    ligne = dict(zip(lignes[0], lignes[1]))
    assert ligne["Code"] == mienne.code
    assert ligne["Intitulé"].startswith("'="), "une formule est neutralisée"
    assert ligne["Coût total"] == "18044,30"
    assert ligne["FSE"] == "9022,15"
    assert ligne["Taux FSE"] == "50,00\u00a0%"
    assert ligne["Début"] == "01/01/2016"
    assert ligne["État"] == "Déposée"


def test_export_xlsx_garde_des_nombres(client, animation, structure):
    operation = OperationFactory(porteur=structure, etat=Etat.RECEVABLE)
    client.force_login(animation)
    reponse = client.get(reverse("operations:liste"), {"_export": "xlsx"})
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    entetes = [c.value for c in feuille[1]]
    ligne = dict(zip(entetes, [c.value for c in feuille[2]]))
    assert ligne["Code"] == operation.code
    assert Decimal(str(ligne["Coût total"])) == Decimal("18044.30")
    assert feuille.max_row == 2
    # De vraies dates et des nombres au format euros ou pourcentage, pas du texte.
    cellules = dict(zip(entetes, feuille[2]))
    assert cellules["Début"].is_date and cellules["Début"].value.date() == date(2016, 1, 1)
    assert cellules["Début"].number_format == "dd/mm/yyyy"
    assert cellules["Coût total"].data_type == "n" and "€" in cellules["Coût total"].number_format
    assert cellules["Taux FSE"].value == 0.5 and cellules["Taux FSE"].number_format == "0.00%"


# --- Accueil ---

def test_l_accueil_montre_ce_qui_attend_chaque_role(client, animation, porteur, structure):
    OperationFactory.create_batch(2, porteur=structure, etat=Etat.DEPOSEE)
    OperationFactory(porteur=structure, etat=Etat.INSTRUITE)
    client.force_login(animation)
    page = texte(client.get(reverse("accueil")))
    assert page.count("Déclarer recevable") == 2 and "Clore l'instruction" not in page
    assert "Opérations dont la prochaine étape vous revient <span class=\"compteur\">(2)</span>" in page
    client.force_login(porteur)
    page = texte(client.get(reverse("accueil")))
    assert "Rien n'attend votre action" in page


# --- Fiche et actions ---

def test_la_fiche_montre_plan_objectifs_historique_et_actions_permises(client, animation, porteur, operation):
    client.force_login(porteur)
    client.post(reverse("operations:transition", args=[operation.code, "deposer"]))
    client.force_login(animation)
    page = texte(client.get(reverse("operations:fiche", args=[operation.code])))
    assert "18\u202f044,30\u00a0€" in page  # total des dépenses et des ressources
    assert "50,0\u00a0%" in page  # taux FSE
    assert "File active" in page and "80 participants" in page
    assert "FILE_ACTIVE" not in page  # le libellé de l'indicateur, jamais son code
    assert "Brouillon" in page and "Déposée" in page and str(porteur) in page  # historique
    for action in ["Déclarer recevable", "Déclarer irrecevable", "Demander des compléments", "Abandonner l'opération"]:
        assert action in page
    assert "Programmer" not in page and "Déposer la demande" not in page


def test_une_action_bloquee_dit_pourquoi(client, porteur, operation):
    LigneDepense.objects.filter(operation=operation).update(montant=Decimal("20000"))
    client.force_login(porteur)
    page = texte(client.get(reverse("operations:fiche", args=[operation.code])))
    assert 'aria-disabled="true"' in page
    assert "n'équilibrent pas les dépenses" in page


def test_refuser_sans_motivation_est_refuse_et_ne_change_rien(client, animation, structure):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    client.force_login(animation)
    reponse = client.post(
        reverse("operations:transition", args=[operation.code, "declarer_irrecevable"]), {"motivation": "  "}, follow=True
    )
    assert "La motivation est obligatoire" in texte(reponse)
    operation.refresh_from_db()
    assert operation.etat == Etat.DEPOSEE
    assert not StateLog.objects.filter(object_id=operation.pk).exists()


def test_une_transition_motivee_est_tracee(client, animation, structure):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    client.force_login(animation)
    reponse = client.post(
        reverse("operations:transition", args=[operation.code, "demander_complements"]),
        {"motivation": "Joindre le budget signé"}, follow=True,
    )
    assert "est maintenant « Incomplète »" in texte(reponse)
    assert "Joindre le budget signé" in texte(reponse)


# --- Saisie du brouillon ---

def donnees_formulaire(operation=None, **changements):
    """Le POST d'un porteur qui garde ce qui existe et remplit les lignes vides."""
    donnees = {
        "intitule": "Remobilisation autour des compétences 2017",
        "type": operation.type_id if operation else "",
        "date_debut": "2017-01-01",
        "date_fin": "2017-12-31",
        "description": "Diagnostic, remédiation, recherche d'emploi.",
    }
    for prefixe, lignes in {"depenses": [], "ressources": [], "objectifs": []}.items():
        existantes = list(getattr(operation, prefixe).all()) if operation else []
        donnees[f"{prefixe}-TOTAL_FORMS"] = len(existantes) + 2
        donnees[f"{prefixe}-INITIAL_FORMS"] = len(existantes)
        for i, ligne in enumerate(existantes):
            donnees[f"{prefixe}-{i}-id"] = ligne.pk
            if prefixe == "depenses":
                donnees |= {f"depenses-{i}-categorie": ligne.categorie, f"depenses-{i}-libelle": ligne.libelle, f"depenses-{i}-montant": str(ligne.montant)}
            elif prefixe == "ressources":
                donnees |= {f"ressources-{i}-financeur": ligne.financeur_id, f"ressources-{i}-montant": str(ligne.montant)}
            else:
                donnees |= {f"objectifs-{i}-indicateur": ligne.indicateur_id, f"objectifs-{i}-valeur_cible": str(ligne.valeur_cible)}
    donnees.update(changements)
    return donnees


def test_le_porteur_cree_une_demande_avec_montants_a_la_francaise(client, porteur, structure):
    from operations.models import TypeOperation

    client.force_login(porteur)
    donnees = donnees_formulaire(
        type=TypeOperation.objects.get(code="REMOBILISATION").pk,
        **{
            "depenses-0-categorie": "personnel", "depenses-0-libelle": "Formatrice", "depenses-0-montant": "18 044,30",
            "ressources-0-financeur": financeur("FSE").pk, "ressources-0-montant": "9\u202f022,15 €",
            "ressources-1-financeur": financeur("METROPOLE").pk, "ressources-1-montant": "9022,15",
            "objectifs-0-indicateur": indicateur("ENTREES").pk, "objectifs-0-valeur_cible": "150",
        },
    )
    reponse = client.post(reverse("operations:creer"), donnees)
    operation = Operation.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == operation.get_absolute_url()
    assert operation.code == "OP-2017-001" and operation.porteur == structure and operation.etat == Etat.BROUILLON
    assert operation.total_depenses == Decimal("18044.30") == operation.total_ressources
    assert operation.objectifs.get().valeur_cible == 150
    client.post(reverse("operations:transition", args=[operation.code, "deposer"]))
    operation.refresh_from_db()
    assert operation.etat == Etat.DEPOSEE


def test_une_demande_vide_s_enregistre_en_brouillon_de_l_annee_et_son_depot_est_refuse(client, porteur, structure):
    client.force_login(porteur)
    donnees = {"intitule": "", "type": "", "date_debut": "", "date_fin": "", "description": ""}
    for prefixe in ("depenses", "ressources", "objectifs"):
        donnees |= {f"{prefixe}-TOTAL_FORMS": 2, f"{prefixe}-INITIAL_FORMS": 0}
    client.post(reverse("operations:creer"), donnees)
    brouillon = Operation.objects.get()
    aujourdhui = timezone.localdate()
    assert brouillon.code == f"OP-{aujourdhui.year}-001" and brouillon.etat == Etat.BROUILLON
    assert brouillon.date_debut is None and brouillon.type is None
    suite = texte(client.post(reverse("operations:transition", args=[brouillon.code, "deposer"]), follow=True))
    for manque in ["L'intitulé de l'opération n'est pas renseigné.", "Le type d'opération n'est pas choisi.",
                   "Les dates de début et de fin de réalisation ne sont pas renseignées.",
                   "Le plan de financement n'a aucune dépense."]:
        assert manque in suite
    brouillon.refresh_from_db()
    assert brouillon.etat == Etat.BROUILLON


def test_une_saisie_fautive_est_signalee_ligne_par_ligne_et_ne_change_rien(client, porteur, operation):
    client.force_login(porteur)
    avant = (operation.intitule, operation.total_depenses)
    donnees = donnees_formulaire(
        operation, date_fin="2016-01-01",
        **{"depenses-3-categorie": "personnel", "depenses-3-libelle": "Coordinatrice", "depenses-3-montant": "douze"},
    )
    donnees["date_debut"] = "2017-01-01"
    page = texte(client.post(reverse("operations:modifier", args=[operation.code]), donnees))
    assert "rien n'a été enregistré" in page
    assert "Fin de réalisation : La fin de réalisation ne peut pas précéder son début." in page
    assert "Dépenses, ligne 4, montant (€) : Saisissez un nombre, par exemple 18 044,30." in page
    operation.refresh_from_db()
    assert (operation.intitule, operation.total_depenses) == avant


def test_une_demande_deposee_n_est_plus_modifiable(client, porteur, structure):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    client.force_login(porteur)
    reponse = client.post(reverse("operations:modifier", args=[operation.code]), donnees_formulaire(operation), follow=True)
    assert "n'est plus modifiable" in texte(reponse)
    operation.refresh_from_db()
    assert operation.intitule != "Remobilisation autour des compétences 2017"
