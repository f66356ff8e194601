"""Les bilans d'exécution : combien l'opération en doit, leurs trois parties, leur circuit ; le bilan final mène
l'opération (dépôt → « Bilan déposé »...), jamais l'inverse."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from conventions.options import EtatSignature
from justificatifs import controle, rapport_csf, services
from justificatifs.models import Bilan, EtatBilan
from justificatifs.pieces import piece_deposer
from justificatifs.selectors import bilans_prevus, financier, quantitatif
from operations.models import Operation
from operations.options import Etat
from operations.services import operation_transition
from operations.workflow import ActionRefusee
from participants.seances import presences_enregistrer
from tests.conventions.factories import ConventionFactory
from tests.factories import OperationFactory
from tests.justificatifs.factories import joindre_les_pieces
from tests.lecture_docx import eur, lignes, ouvrir, texte, verifier_publicite
from tests.participants.test_realisation import participant
from tests.participants.test_seances import inscrire, planifier


def duree(debut, fin):
    from types import SimpleNamespace

    return [(p.rang, p.nature, p.debut, p.fin) for p in bilans_prevus(SimpleNamespace(date_debut=debut, date_fin=fin))]


def test_le_nombre_de_bilans_suit_la_duree():
    assert duree(date(2016, 1, 1), date(2016, 12, 31)) == [(1, "final", date(2016, 1, 1), date(2016, 12, 31))]
    assert duree(date(2016, 1, 1), date(2017, 6, 30)) == [
        (1, "intermediaire", date(2016, 1, 1), date(2016, 12, 31)), (2, "final", date(2017, 1, 1), date(2017, 6, 30))]
    assert duree(date(2015, 3, 1), date(2017, 12, 31)) == [
        (1, "intermediaire", date(2015, 3, 1), date(2016, 2, 29)), (2, "intermediaire", date(2016, 3, 1), date(2017, 2, 28)),
        (3, "final", date(2017, 3, 1), date(2017, 12, 31))]
    assert len(duree(date(2016, 1, 1), date(2018, 12, 31))) == 3


@pytest.fixture
def action(structure):
    return OperationFactory(porteur=structure, etat=Etat.EN_REALISATION)


def remplir(bilan, porteur, **qualitatif):
    services.bilan_enregistrer(
        bilan=bilan, user=porteur, qualitatif={"actions_menees": "Ateliers collectifs & suivis individuels.", **qualitatif},
        depenses={d.pk: str((d.prevu * Decimal("0.9")).quantize(Decimal("0.01"))) for d in bilan.depenses.all()},
        ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    joindre_les_pieces(bilan, porteur)


def test_preparer_remplir_deposer_le_bilan_final_fait_avancer_l_operation(action, porteur, gestionnaire):
    bilan = services.bilan_preparer(operation=action, user=porteur)
    assert (bilan.titre, bilan.debut, bilan.fin, bilan.etat) == ("Bilan final", date(2016, 1, 1), date(2016, 12, 31), "en_saisie")
    # Le prévu est le plan de financement, figé à la préparation.
    assert sum(d.prevu for d in bilan.depenses.all()) == action.total_depenses

    with pytest.raises(ActionRefusee, match="décrivez les actions menées.*saisissez le montant réalisé de chaque dépense"):
        services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    remplir(bilan, porteur)
    services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    action.refresh_from_db()
    assert (bilan.etat, action.etat) == (EtatBilan.DEPOSE, Etat.BILAN_DEPOSE)

    # Renvoyé pour correction, puis redéposé ; contrôlé, validé : l'opération est soldée.
    with pytest.raises(ActionRefusee, match="motivation est obligatoire"):
        services.bilan_transition(bilan=bilan, nom="renvoyer", user=gestionnaire)
    services.bilan_transition(bilan=bilan, nom="renvoyer", user=gestionnaire, motivation="Dépenses de personnel à détailler.")
    assert Operation.objects.get(pk=action.pk).etat == Etat.BILAN_A_CORRIGER
    remplir(bilan, porteur, analyse="Détail des salaires ajouté.")
    services.bilan_transition(bilan=bilan, nom="redeposer", user=porteur)
    # Le contrôle passe par le contrôle de service fait : son rapport validé, puis le solde payé.
    with pytest.raises(ActionRefusee, match="Validez le contrôle depuis la page « Contrôle de service fait »"):
        services.bilan_transition(bilan=bilan, nom="controler", user=gestionnaire)
    ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE)
    for depense in bilan.depenses.all():
        controle.depense_controler(depense=depense, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    rapport_csf.csf_valider(bilan=bilan, user=gestionnaire)
    assert Operation.objects.get(pk=action.pk).etat == Etat.BILAN_CONTROLE
    controle.paiement_enregistrer(bilan=Bilan.objects.get(pk=bilan.pk), user=gestionnaire, montant=Decimal("5415.52"),
                                  le=date(2017, 9, 1))
    assert Operation.objects.get(pk=action.pk).etat == Etat.SOLDEE
    # Le document déposé (puis redéposé) est gardé : deux versions.
    from operations.documents import documents_de
    assert documents_de(bilan, "bilan_execution").count() == 2


def test_l_operation_ne_passe_pas_sans_son_bilan(action, porteur):
    with pytest.raises(ActionRefusee, match="Déposez le bilan depuis la page du bilan final"):
        operation_transition(operation=action, nom="deposer_bilan", user=porteur)
    assert Operation.objects.get(pk=action.pk).etat == Etat.EN_REALISATION


def test_un_bilan_intermediaire_laisse_l_operation_en_realisation(structure, porteur):
    longue = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_fin=date(2017, 6, 30))
    premier = services.bilan_preparer(operation=longue, user=porteur)
    assert premier.titre == "Bilan intermédiaire n° 1"
    with pytest.raises(ActionRefusee, match="déjà en cours de saisie"):
        services.bilan_preparer(operation=longue, user=porteur)
    remplir(premier, porteur)
    services.bilan_transition(bilan=premier, nom="deposer", user=porteur)
    assert Operation.objects.get(pk=longue.pk).etat == Etat.EN_REALISATION
    final = services.bilan_preparer(operation=longue, user=porteur)
    assert (final.titre, final.debut, final.fin) == ("Bilan final", date(2017, 1, 1), date(2017, 6, 30))
    with pytest.raises(ActionRefusee, match="Tous les bilans prévus"):
        Bilan.objects.filter(pk=final.pk).update(etat="depose")
        services.bilan_preparer(operation=longue, user=porteur)


def test_les_refus_nomment_la_ligne_et_ne_changent_rien(action, porteur, porteur_autre, gestionnaire):
    bilan = services.bilan_preparer(operation=action, user=porteur)
    depense = bilan.depenses.first()
    with pytest.raises(ActionRefusee, match=f"Dépense « {depense.libelle} » \\(réalisé\\) : « 12,3,4 » n'est pas un montant"):
        services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Écrit"},
                                   depenses={depense.pk: "12,3,4"}, ressources={})
    with pytest.raises(ActionRefusee, match="un montant positif, au centime près"):
        services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={}, depenses={depense.pk: "-5"}, ressources={})
    bilan.refresh_from_db()
    assert bilan.actions_menees == "" and not bilan.depenses.filter(realise__isnull=False).exists()
    with pytest.raises(ActionRefusee, match="Réservé à la structure porteuse"):
        services.bilan_enregistrer(bilan=bilan, user=porteur_autre, qualitatif={}, depenses={}, ressources={})
    with pytest.raises(ActionRefusee, match="Réservé à : porteur"):
        services.bilan_preparer(operation=action, user=gestionnaire)
    # Un montant écrit à la française est compris.
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={}, depenses={depense.pk: "9 000,50 €"}, ressources={})
    assert bilan.depenses.get(pk=depense.pk).realise == Decimal("9000.50")


def test_la_partie_quantitative_ne_compte_que_la_periode(structure, porteur):
    from operations.models import TypeOperation

    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION,
                              type=TypeOperation.objects.get(code="REMOBILISATION"))
    anna = participant(structure, date(2016, 1, 4))
    bilal = participant(structure, date(2015, 6, 1), date(2016, 3, 31), "CDI")
    avant = participant(structure, date(2015, 1, 5), date(2015, 12, 1), "CDI")  # sorti avant la période
    inscrire(action, anna, bilal, avant)
    seance = planifier(action, porteur, date(2016, 3, 14), [anna, bilal])
    presences_enregistrer(seance=seance, user=porteur, statuts={anna.pk: "present", bilal.pk: "present"})
    bilan = services.bilan_preparer(operation=action, user=porteur)
    q = quantitatif(bilan)
    assert q["chiffres"] == {"accompagnes": 2, "hommes": 0, "femmes": 2, "entrees": 1, "sorties": 1, "positives": 1,
                             "heures": Decimal("7.0"), "etapes": 3 - 0}
    assert [p["heures"] for p in q["participants"]] == [Decimal("3.5"), Decimal("3.5")]
    assert [s["nombre"] for s in q["sorties"]] == [1]


def test_le_document_nomme_l_operation_et_additionne(action, porteur):
    bilan = services.bilan_preparer(operation=action, user=porteur)
    remplir(bilan, porteur, difficultes="Mobilité : deux participants\nsans permis.")
    document = services.bilan_document(bilan, porteur)
    assert action.code.lower() in document.nom and document.nom.endswith(".docx")
    docx = ouvrir(document)
    verifier_publicite(docx, action.programme)
    corps = texte(docx)
    assert f"{action.code} — {action.intitule}" in corps
    assert "Période du bilan : du 01/01/2016 au 31/12/2016" in corps
    assert "Ateliers collectifs & suivis individuels." in corps
    f = financier(bilan)
    depenses = next(t for t in docx.tables if lignes(t)[0][:2] == ["Catégorie", "Dépense"])
    # 90 % de chaque ligne, arrondi au centime : 16 239,87 € réalisés sur 18 044,30 € prévus.
    assert lignes(depenses)[-1] == ["Total", "", eur("18 044,30"), eur("16 239,87"), eur("-1 804,43")]
    assert f["total_realise"] == Decimal("16239.87")
    assert "Mobilité : deux participants\nsans permis." in corps


def test_la_page_du_bilan_garde_la_saisie_refusee_et_nomme_la_ligne(action, porteur, client):
    from django.urls import reverse

    client.force_login(porteur)
    assert "Bilans d&#x27;exécution" in client.get(action.get_absolute_url()).content.decode()
    client.post(reverse("justificatifs:preparer", args=[action.code]))
    bilan = action.bilans.get()
    depense = bilan.depenses.first()
    donnees = {f"depense-{d.pk}": "1000" for d in bilan.depenses.all()} | {f"depense-{depense.pk}": "mille euros",
                                                                          "actions_menees": "Ateliers"}
    refus = client.post(bilan.get_absolute_url(), donnees).content.decode()
    assert f"Dépense « {depense.libelle} » (réalisé) : « mille euros » n&#x27;est pas un montant." in refus
    assert 'value="mille euros"' in refus
    bilan.refresh_from_db()
    assert bilan.actions_menees == ""
    donnees[f"depense-{depense.pk}"] = "1 500,00"
    donnees.update({f"ressource-{r.pk}": str(r.prevu) for r in bilan.ressources.all()})
    client.post(bilan.get_absolute_url(), donnees)
    joindre_les_pieces(bilan, porteur)
    reponse = client.post(reverse("justificatifs:transition", args=[action.code, 1, "deposer"]), follow=True)
    assert "Bilan final : « Déposé »" in reponse.content.decode()
    assert Operation.objects.get(pk=action.pk).etat == Etat.BILAN_DEPOSE
    # Déposé : plus de champ à remplir, le document se télécharge.
    page = client.get(bilan.get_absolute_url()).content.decode()
    assert 'name="actions_menees"' not in page
    assert client.get(reverse("justificatifs:document", args=[action.code, 1]))["Content-Disposition"].endswith('.docx"')


def test_la_commande_ecrit_le_bilan(action, porteur, tmp_path):
    from django.core.management import CommandError, call_command

    services.bilan_preparer(operation=action, user=porteur)
    sortie = tmp_path / "bilan.docx"
    call_command("bilan", action.code, "--sortie", str(sortie))
    assert f"{action.code} — {action.intitule}" in texte(Document(str(sortie)))
    with pytest.raises(CommandError, match="n'a pas de bilan n° 2"):
        call_command("bilan", action.code, "--rang", "2", "--sortie", str(sortie))


def test_un_bilan_s_enregistre_en_brouillon_avec_des_montants_vides(action, porteur):
    bilan = services.bilan_preparer(operation=action, user=porteur)
    depense, ressource = bilan.depenses.first(), bilan.ressources.first()
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Premiers ateliers."},
                               depenses={depense.pk: "1 200,00"}, ressources={ressource.pk: "  "})
    depense.refresh_from_db(), ressource.refresh_from_db()
    assert (depense.realise, ressource.recu) == (Decimal("1200.00"), None)
    # Le dépôt, lui, dit tout ce qui manque encore, montants et pièces.
    with pytest.raises(ActionRefusee) as refus:
        services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    assert "saisissez le montant perçu de chaque ressource" in str(refus.value)
    assert f"joignez la pièce qui prouve chaque dépense réalisée (1 sans pièce : « {depense.libelle} »)" in str(refus.value)


def test_un_bilan_ne_se_depose_pas_sans_ses_pieces_justificatives(action, porteur):
    bilan = services.bilan_preparer(operation=action, user=porteur)
    remplir(bilan, porteur)
    bilan.pieces.all().delete()
    with pytest.raises(ActionRefusee) as refus:
        services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    # Les deux dépenses au réel du plan de la fabrique ; le forfait de 15 % se calcule et ne se prouve pas par une
    # pièce (règlement (UE) n° 1303/2013, art. 67 § 1 d) et 68).
    assert "(2 sans pièce : « Déplacements », « Référent de parcours (0,5 ETP) »)" in str(refus.value)
    assert Bilan.objects.get(pk=bilan.pk).etat == EtatBilan.EN_SAISIE
    for depense in bilan.depenses.exclude(categorie="indirectes"):
        piece_deposer(bilan=bilan, user=porteur, depense=depense, nature="facture",
                      fichier=SimpleUploadedFile(f"facture-{depense.pk}.pdf", b"%PDF-1.4\nfacture\n%%EOF\n"))
    services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    assert Bilan.objects.get(pk=bilan.pk).etat == EtatBilan.DEPOSE
