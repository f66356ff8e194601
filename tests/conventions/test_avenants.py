"""L'avenant : chaque chiffre changé avant et après, les refus, et une fois signé la nouvelle version de l'opération."""
import copy
from decimal import Decimal

import pytest

from conventions import services
from conventions.models import Avenant
from conventions.options import EtatSignature
from conventions.selectors import document_courant, ecarts_de, version_courante
from conventions.versions import Ecart
from operations.models import Operation
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.conventions.factories import ConventionFactory
from tests.factories import OperationFactory
from tests.lecture_docx import eur, lignes, ouvrir, table_avec, texte

MOTIF = "Prolongation de trois mois & redéploiement <frais> vers le personnel."


@pytest.fixture
def convention(structure):
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION)
    return ConventionFactory(operation=operation, etat=EtatSignature.NOTIFIEE)


def proposer(convention, **changements):
    """Les données en vigueur, modifiées : date_fin, personnel (montant de la 1re dépense), objectif (valeur)."""
    donnees = copy.deepcopy(version_courante(convention.operation).donnees)
    if "date_fin" in changements:
        donnees["date_fin"] = changements["date_fin"]
    if "personnel" in changements:
        ecart = Decimal(changements["personnel"]) - Decimal(donnees["depenses"][0]["montant"])
        donnees["depenses"][0]["montant"] = changements["personnel"]
        metropole = next(r for r in donnees["ressources"] if not r["est_fse"])
        metropole["montant"] = str(Decimal(metropole["montant"]) + ecart)
    if "objectif" in changements:
        donnees["objectifs"][0]["valeur_cible"] = changements["objectif"]
    return donnees


def test_l_avenant_montre_chaque_chiffre_change(convention, animation):
    avenant = services.avenant_creer(convention=convention, user=animation, motif=MOTIF,
                                     apres=proposer(convention, date_fin="2017-03-31", personnel="16000.00", objectif="95"))

    assert avenant.numero == f"{convention.numero}-A1" and avenant.etat == EtatSignature.GENEREE
    assert ecarts_de(avenant) == [
        Ecart("Période", "Fin de réalisation", "31/12/2016", "31/03/2017"),
        Ecart("Dépenses", "Dépenses directes de personnel", eur("15 000,00"), eur("16 000,00")),
        Ecart("Ressources", "Grand Dijon / Dijon Métropole", eur("9 022,15"), eur("10 022,15")),
        Ecart("Totaux", "Coût total", eur("18 044,30"), eur("19 044,30")),
        Ecart("Totaux", "Total des ressources", eur("18 044,30"), eur("19 044,30")),
        Ecart("Totaux", "Taux FSE", "50,0\u00a0%", "47,4\u00a0%"),
        Ecart("Objectifs", "File active", "80", "95"),
    ]
    docx = ouvrir(document_courant(avenant))
    contenu = texte(docx)
    assert f"Avenant n° 1 à la convention n° {convention.numero}" in contenu
    assert MOTIF in contenu
    assert lignes(table_avec(docx, "Rubrique"))[1:3] == [
        ["Période", "Fin de réalisation", "31/12/2016", "31/03/2017"],
        ["Dépenses", "Dépenses directes de personnel", eur("15 000,00"), eur("16 000,00")],
    ]
    assert lignes(table_avec(docx, "Catégorie"))[-1] == ["Total des dépenses", "", eur("19 044,30")]
    # Rien ne change sur l'opération tant que l'avenant n'est pas signé.
    assert Operation.objects.get(pk=convention.operation_id).date_fin.isoformat() == "2016-12-31"


@pytest.mark.parametrize(("changements", "message"), [
    ({}, "L'avenant ne change aucun chiffre"),
    ({"date_fin": "2015-12-31"}, "La fin de réalisation ne peut pas précéder son début"),
])
def test_un_avenant_sans_changement_ou_incoherent_est_refuse(convention, animation, changements, message):
    with pytest.raises(ActionRefusee, match=message):
        services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=proposer(convention, **changements))
    assert not Avenant.objects.exists()


def test_le_plan_doit_s_equilibrer_et_le_fse_ne_pas_depasser_l_aide_votee(convention, animation):
    desequilibre = proposer(convention)
    desequilibre["depenses"][0]["montant"] = "16000.00"
    with pytest.raises(ActionRefusee, match="n'équilibrent pas les dépenses .* écart de -1\u202f000,00"):
        services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=desequilibre)

    plus_de_fse = proposer(convention, personnel="16000.00")
    for ressource in plus_de_fse["ressources"]:
        ressource["montant"] = "9522.15"
    with pytest.raises(ActionRefusee, match="dépasse l'aide votée .* une nouvelle décision du comité"):
        services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=plus_de_fse)
    assert not Avenant.objects.exists()


def test_un_seul_avenant_en_cours_et_seulement_sur_une_convention_notifiee(convention, animation, structure):
    services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=proposer(convention, objectif="90"))
    with pytest.raises(ActionRefusee, match="Un avenant est déjà en cours de signature"):
        services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=proposer(convention, objectif="99"))

    non_notifiee = ConventionFactory(operation=OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE),
                                     etat=EtatSignature.ENVOYEE)
    with pytest.raises(ActionRefusee, match="n'est pas encore notifiée"):
        services.avenant_creer(convention=non_notifiee, user=animation, motif=MOTIF, apres=proposer(non_notifiee, objectif="90"))


def test_signe_l_avenant_devient_la_version_en_vigueur(convention, animation, porteur, pdf_signe):
    operation = convention.operation
    avenant = services.avenant_creer(convention=convention, user=animation, motif=MOTIF,
                                     apres=proposer(convention, date_fin="2017-03-31", personnel="16000.00", objectif="95"))
    services.signature_transition(document=avenant, nom="envoyer", user=animation)
    services.exemplaire_deposer(document=avenant, fichier=pdf_signe(), user=porteur)
    services.exemplaire_deposer(document=avenant, fichier=pdf_signe(), user=animation)

    avenant.refresh_from_db()
    assert avenant.etat == EtatSignature.SIGNEE and avenant.version.numero == 2
    operation = Operation.objects.get(pk=operation.pk)
    assert operation.date_fin.isoformat() == "2017-03-31"
    assert operation.total_depenses == Decimal("19044.30") and operation.total_ressources == Decimal("19044.30")
    assert operation.objectifs.get().valeur_cible == Decimal("95")
    # Chaque version reste consultable : la 1, celle de la convention, n'a pas bougé.
    assert [v.numero for v in operation.versions.order_by("numero")] == [1, 2]
    assert operation.versions.get(numero=1).donnees["date_fin"] == "2016-12-31"
    assert "Version des données : 2" in texte(ouvrir(document_courant(avenant)))

    # Le suivant part de la version 2.
    services.signature_transition(document=avenant, nom="notifier", user=animation)
    suivant = services.avenant_creer(convention=convention, user=animation, motif="Objectif relevé.",
                                     apres=proposer(convention, objectif="100"))
    assert suivant.rang == 2 and ecarts_de(suivant) == [Ecart("Objectifs", "File active", "95", "100")]


def test_un_avenant_annule_garde_son_rang(convention, animation):
    avenant = services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=proposer(convention, objectif="90"))
    with pytest.raises(ActionRefusee, match="La motivation est obligatoire"):
        services.signature_transition(document=avenant, nom="annuler", user=animation)
    services.signature_transition(document=avenant, nom="annuler", user=animation, motivation="Projet abandonné.")
    suivant = services.avenant_creer(convention=convention, user=animation, motif=MOTIF, apres=proposer(convention, objectif="92"))
    assert (avenant.rang, suivant.rang, suivant.numero) == (1, 2, f"{convention.numero}-A2")
