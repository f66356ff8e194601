"""Le contrôle de service fait, de bout en bout par les services : décisions tracées et jamais modifiées, échantillon
reproductible et extrapolation selon la convention, preuves des sorties, rapport Word, paiement du solde."""
from datetime import date
from decimal import Decimal

import pytest

from conventions.options import EtatSignature
from justificatifs import controle, rapport_csf, services
from justificatifs.models import Bilan, ControleDepense, MotifRejet
from operations.models import Operation
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.conventions.factories import ConventionFactory
from tests.factories import OperationFactory
from tests.lecture_docx import eur, lignes, ouvrir, texte, verifier_publicite
from tests.justificatifs.factories import joindre_les_pieces

D = Decimal


@pytest.fixture
def depose(structure, porteur):
    """Un bilan final déposé : les 3 lignes du plan réalisées à 100 %, une convention au réel (50 % de FSE)."""
    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION)
    ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE, taux_avance=D("0.3"))
    bilan = services.bilan_preparer(operation=action, user=porteur)
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Ateliers."},
                               depenses={d.pk: str(d.prevu) for d in bilan.depenses.all()},
                               ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    joindre_les_pieces(bilan, porteur)
    services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    return bilan


def motif(code):
    return MotifRejet.objects.get(code=code)


def test_controler_chaque_ligne_valider_le_rapport_puis_payer(depose, gestionnaire):
    personnel, deplacements, forfait = depose.depenses.order_by("categorie", "pk")  # indirectes < fonctionnement...
    par_libelle = {d.libelle: d for d in depose.depenses.all()}
    personnel, deplacements, forfait = (par_libelle["Référent de parcours (0,5 ETP)"], par_libelle["Déplacements"],
                                        par_libelle["Forfait de 15 % des frais de personnel"])
    controle.depense_controler(depense=personnel, user=gestionnaire, decision="partielle", montant_retenu=D("14000"),
                               motif=motif("TEMPS_NON_JUSTIFIE"), commentaire="Deux mois sans feuille de temps.")
    controle.depense_controler(depense=deplacements, user=gestionnaire, decision="rejetee", motif=motif("PIECE_ABSENTE"))
    with pytest.raises(ActionRefusee, match="1 dépense\\(s\\) restent à contrôler"):
        rapport_csf.csf_valider(bilan=depose, user=gestionnaire)
    controle.depense_controler(depense=forfait, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    # Au réel : 14 000 + 0 + 2 250 = 16 250 € éligibles, × 50 % = 8 125 € ; avance 30 % de 9 022,15 = 2 706,65 €.
    calcul = controle.calcul_du_bilan(depose)
    assert (calcul.eligible, calcul.fse_du, calcul.avance, calcul.solde) == (D("16250"), D("8125.00"), D("2706.65"), D("5418.35"))

    document = rapport_csf.csf_valider(bilan=depose, user=gestionnaire)
    depose.refresh_from_db()
    assert depose.etat == "controle" and Operation.objects.get(pk=depose.operation_id).etat == Etat.BILAN_CONTROLE
    docx = ouvrir(document)
    # Les mentions du programme 2014-2020 de l'opération 2016, dans l'en-tête du rapport.
    assert "cofinancée par le Fonds social européen dans le cadre du programme opérationnel national « Emploi et " \
           "Inclusion » 2014-2020" in "\n".join(p.text for p in docx.sections[0].header.paragraphs)
    verifier_publicite(docx, depose.operation.programme)
    corps = texte(docx)
    assert "méthode : exhaustif : les 3 dépenses" in corps
    assert "FSE calculé : 16\u202f250,00\u00a0€ × 9\u202f022,15\u00a0€ ÷ 18\u202f044,30\u00a0€" in corps
    depenses = next(t for t in docx.tables if lignes(t)[0][:2] == ["Catégorie", "Dépense"])
    assert lignes(depenses)[-1] == ["Total", "", eur("18 044,30"), "", eur("16 250,00"), eur("1 794,30"), ""]
    assert any(ligne[:4] == ["Dépenses directes de fonctionnement", "Déplacements", eur("794,30"), "Rejetée"]
               for ligne in lignes(depenses))

    with pytest.raises(ActionRefusee, match="Date du paiement : elle ne peut pas être à venir"):
        controle.paiement_enregistrer(bilan=depose, user=gestionnaire, montant=calcul.solde, le=date(2999, 1, 1))
    controle.paiement_enregistrer(bilan=depose, user=gestionnaire, montant=calcul.solde, le=date(2017, 9, 1))
    assert Operation.objects.get(pk=depose.operation_id).etat == Etat.SOLDEE


def test_une_decision_ne_se_modifie_pas_elle_se_remplace(depose, gestionnaire):
    depense = depose.depenses.first()
    premiere = controle.depense_controler(depense=depense, user=gestionnaire, decision="rejetee",
                                          motif=motif("HORS_PERIODE"))
    premiere.commentaire = "réécrit"
    with pytest.raises(ValueError, match="ne se modifie pas"):
        premiere.save()
    with pytest.raises(ValueError, match="ne s'efface pas"):
        premiere.delete()
    seconde = controle.depense_controler(depense=depense, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    assert controle.decisions_courantes(depose)[depense.pk] == seconde
    assert list(ControleDepense.objects.filter(depense=depense).values_list("decision", flat=True)) == ["rejetee", "retenue"]


def test_les_refus_nomment_la_ligne(depose, gestionnaire, porteur):
    depense = depose.depenses.get(libelle="Déplacements")
    with pytest.raises(ActionRefusee, match="Dépense « Déplacements » : choisissez le motif de l'écart"):
        controle.depense_controler(depense=depense, user=gestionnaire, decision="rejetee")
    with pytest.raises(ActionRefusee, match="le montant retenu en partie doit être entre 0 et 794.30"):
        controle.depense_controler(depense=depense, user=gestionnaire, decision="partielle", montant_retenu=D("900"),
                                   motif=motif("ERREUR_CALCUL"))
    with pytest.raises(ActionRefusee, match="Réservé à : gestionnaire"):
        controle.depense_controler(depense=depense, user=porteur, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    assert not ControleDepense.objects.exists()


@pytest.fixture
def detaille(structure, porteur):
    """Un bilan de 20 dépenses détaillées de 1 000 € (au-delà du seuil de l'échantillon)."""
    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False)
    from operations.models import LigneDepense, LigneRessource
    from tests.factories import financeur
    LigneDepense.objects.create(operation=action, categorie="personnel", libelle="Salaires", montant=D("20000"))
    LigneRessource.objects.create(operation=action, financeur=financeur("FSE"), montant=D("10000"))
    LigneRessource.objects.create(operation=action, financeur=financeur("METROPOLE"), montant=D("10000"))
    bilan = services.bilan_preparer(operation=action, user=porteur)
    bilan.depenses.all().delete()  # le détail remplace la ligne du plan
    for mois in range(1, 21):
        services.depense_ajouter(bilan=bilan, user=porteur, categorie="personnel", libelle=f"Bulletin n° {mois}",
                                 montant="1 000,00")
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Suivi."}, depenses={},
                               ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    joindre_les_pieces(bilan, porteur)
    services.bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    return bilan


def test_l_echantillon_se_retire_a_l_identique(detaille, gestionnaire):
    ConventionFactory(operation=detaille.operation, etat=EtatSignature.NOTIFIEE, extrapolation_autorisee=True)
    csf = controle.echantillon_tirer(bilan=detaille, user=gestionnaire, taille=5, graine=20161231)
    premier = list(csf.echantillon)
    assert len(premier) == 5 and controle.echantillon_tirer(bilan=detaille, user=gestionnaire, taille=5,
                                                             graine=20161231).echantillon == premier
    assert controle.tirer(list(detaille.depenses.values_list("pk", flat=True)), 5, 20161231) == premier
    autre = controle.echantillon_tirer(bilan=detaille, user=gestionnaire, taille=5, graine=42).echantillon
    assert autre != premier
    # L'échantillon contrôlé : 5 000 € déclarés, 4 500 retenus (10 % d'erreur) ; 15 lignes extrapolées à 900 €.
    csf = controle.echantillon_tirer(bilan=detaille, user=gestionnaire, taille=5, graine=20161231)
    for rang, pk in enumerate(csf.echantillon):
        depense = detaille.depenses.get(pk=pk)
        if rang == 0:
            controle.depense_controler(depense=depense, user=gestionnaire, decision="partielle", montant_retenu=D("500"),
                                       motif=motif("CLE_REPARTITION"))
        else:
            controle.depense_controler(depense=depense, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    calcul = controle.calcul_du_bilan(detaille)
    assert (calcul.taux_erreur, calcul.retenu_direct, calcul.fse_du) == (D("0.1"), D("18000.00"), D("9000.00"))


def test_sans_extrapolation_le_controle_est_exhaustif(detaille, gestionnaire):
    ConventionFactory(operation=detaille.operation, etat=EtatSignature.NOTIFIEE, extrapolation_autorisee=False)
    csf = controle.echantillon_tirer(bilan=detaille, user=gestionnaire, taille=5, graine=7)
    for pk in csf.echantillon:
        controle.depense_controler(depense=detaille.depenses.get(pk=pk), user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    with pytest.raises(ActionRefusee, match="la convention n'autorise pas l'extrapolation, le contrôle doit être exhaustif"):
        rapport_csf.csf_valider(bilan=detaille, user=gestionnaire)
    assert Bilan.objects.get(pk=detaille.pk).etat == "depose"


def test_un_petit_bilan_ne_s_echantillonne_pas(depose, gestionnaire):
    with pytest.raises(ActionRefusee, match="Le bilan compte 3 dépense\\(s\\) : en dessous de 10, toutes se contrôlent"):
        controle.echantillon_tirer(bilan=depose, user=gestionnaire, taille=2)
