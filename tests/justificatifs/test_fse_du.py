"""Le FSE dû se lit dans la convention, pas dans la demande (issue 15, spec programmes-fse.md, « Money »).

Chaque montant attendu est calculé à la main dans le commentaire qui le précède, en euros et en Decimal :
taux = FSE conventionné ÷ coût total éligible conventionné (version de la convention en vigueur pour la période du
bilan), FSE dû = dépenses éligibles retenues × taux, plafonné au FSE conventionné, chaque montant calculé arrondi une
fois au centime le plus proche, demi-centime vers le haut.
"""
import json
import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annuaire.roles import Role
from appels_projets import services as appels
from appels_projets.options import Decision, EtatAppel, EtatComite
from appels_projets.selectors import montant_fse_demande, reponses_tableau
from conventions import services as conventions
from conventions.forms import GenerationForm
from conventions.models import Convention, VersionOperation
from conventions.selectors import document_courant, version_courante
from justificatifs import controle, rapport_csf
from justificatifs.calcul import Ligne, calculer
from justificatifs.services import bilan_enregistrer, bilan_preparer, bilan_transition
from operations.models import LigneDepense, LigneRessource, Objectif, Operation
from operations.options import CategorieDepense, Etat
from operations.programmes import option_de_couts
from operations.services import operation_transition
from operations.workflow import ActionRefusee
from tests.appels_projets.factories import PDF, AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory, financeur, indicateur, utilisateur
from tests.justificatifs.factories import joindre_les_pieces, programme_livre
from tests.lecture_docx import eur, ouvrir, texte

D = Decimal
PARIS = ZoneInfo("Europe/Paris")



FSE_2014, FSEPLUS_2021 = programme_livre("FSE_2014_2020"), programme_livre("FSEPLUS_2021_2027")


# --- L'exemple de la spec, de bout en bout par les services ---

@pytest.fixture
def membre(db):
    return utilisateur(Role.COMITE)


@pytest.fixture
def programmee(structure, membre):
    """Une demande 2023 (FSE+ 2021-2027, 60 % de FSE au plus) : 100 000 € de coût total (80 000 € de personnel,
    20 000 € de fonctionnement), 60 000 € de FSE demandés, 40 000 € de la métropole ; le comité du 15/11/2022 vote
    50 000 € et son procès-verbal est validé."""
    appel = AppelFactory(etat=EtatAppel.PUBLIE, annee=2023, periode_debut_min=date(2023, 1, 1),
                         periode_fin_max=date(2023, 12, 31), taux_fse_max=D("60.00"), enveloppe_fse=D("200000.00"))
    reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.INSTRUITE,
                             operation__plan=False, operation__date_debut=date(2023, 1, 1),
                             operation__date_fin=date(2023, 12, 31))
    operation = reponse.operation
    LigneDepense.objects.create(operation=operation, categorie=CategorieDepense.PERSONNEL,
                                libelle="Référents de parcours (2 ETP)", montant=D("80000.00"))
    LigneDepense.objects.create(operation=operation, categorie=CategorieDepense.FONCTIONNEMENT,
                                libelle="Locaux et déplacements", montant=D("20000.00"))
    LigneRessource.objects.create(operation=operation, financeur=financeur("FSE"), montant=D("60000.00"))
    LigneRessource.objects.create(operation=operation, financeur=financeur("METROPOLE"), montant=D("40000.00"))
    Objectif.objects.create(operation=operation, indicateur=indicateur("FILE_ACTIVE"), valeur_cible=D("120"))
    comite = ComiteFactory(membres=[membre], etat=EtatComite.TENU, date=datetime(2022, 11, 15, 14, tzinfo=PARIS))
    point = PointFactory(comite=comite, reponse=reponse)
    appels.decision_enregistrer(point=point, decision=Decision.PROGRAMMEE, montant_vote=D("50000.00"),
                                motivation="Montant ramené au coût de deux référents du territoire.",
                                confirmer_depassement=False, user=membre)
    appels.comite_valider_pv(comite=comite, user=membre)
    return Operation.objects.get(pk=operation.pk)


def signer(document, *, animation, porteur, jusqu_a="notifier"):
    """Le cycle de signature par les services : envoi, exemplaire du porteur, exemplaire des deux parties."""
    conventions.signature_transition(document=document, nom="envoyer", user=animation)
    conventions.exemplaire_deposer(document=document, fichier=SimpleUploadedFile("porteur.pdf", PDF), user=porteur)
    conventions.exemplaire_deposer(document=document, fichier=SimpleUploadedFile("signe.pdf", PDF), user=animation)
    if jusqu_a == "notifier":
        conventions.signature_transition(document=document, nom="notifier", user=animation)


@pytest.fixture
def en_realisation(programmee, animation, porteur):
    """La convention générée au réel (coûts réels, avance de 30 %), signée, notifiée ; la réalisation démarrée."""
    convention = conventions.convention_generer(operation=programmee, user=animation, taux_avance=D("0.30"),
                                                regime_couts="reels")
    signer(convention, animation=animation, porteur=porteur)
    operation_transition(operation=Operation.objects.get(pk=programmee.pk), nom="demarrer", user=animation)
    return Convention.objects.get(pk=convention.pk)


def deposer_le_bilan(operation, porteur, personnel: str, fonctionnement: str):
    bilan = bilan_preparer(operation=operation, user=porteur)
    realise = {CategorieDepense.PERSONNEL: personnel, CategorieDepense.FONCTIONNEMENT: fonctionnement}
    bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Accompagnement des participants."},
                      depenses={d.pk: realise[d.categorie] for d in bilan.depenses.all()},
                      ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    joindre_les_pieces(bilan, porteur)
    bilan_transition(bilan=bilan, nom="deposer", user=porteur)
    return bilan


def tout_retenir(bilan, gestionnaire):
    for depense in bilan.depenses.all():
        controle.depense_controler(depense=depense, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")


def test_vote_sous_la_demande_de_la_programmation_au_controle(programmee, animation, porteur, gestionnaire, client):
    assert montant_fse_demande(programmee) == D("60000.00")
    convention = conventions.convention_generer(operation=programmee, user=animation, taux_avance=D("0.30"),
                                                regime_couts="reels")

    # La version 1 porte l'aide votée ; le coût total éligible reste 100 000 € ; l'écart de
    # 60 000 − 50 000 = 10 000 € va à l'autofinancement du porteur.
    assert convention.montant_fse == D("50000.00") and convention.version.numero == 1
    plan = {r["financeur_nom"]: D(r["montant"]) for r in convention.version.donnees["ressources"]}
    assert plan == {financeur("FSE").libelle: D("50000.00"), financeur("METROPOLE").libelle: D("40000.00"),
                    "Autofinancement": D("10000.00")}
    # Les lignes de l'opération suivent la version conventionnée ; la demande reste lisible, pour mémoire.
    operation = Operation.objects.get(pk=programmee.pk)
    assert (operation.montant_fse, operation.total_depenses) == (D("50000.00"), D("100000.00"))
    assert (operation.montant_fse_demande, operation.cout_total_demande) == (D("60000.00"), D("100000.00"))
    assert montant_fse_demande(operation) == D("60000.00")  # la colonne « FSE demandé » de l'appel ne bouge pas
    ligne = reponses_tableau(operation.reponse_appel.appel, user=animation).get()
    assert (ligne.fse_demande, ligne.cout_total) == (D("60000.00"), D("100000.00"))

    contenu = texte(ouvrir(document_courant(convention)))
    assert (f"Aide demandée : {eur('60 000,00')} ; aide votée : {eur('50 000,00')} par le comité de programmation du "
            f"15/11/2022. L'écart de {eur('10 000,00')} est porté par l'autofinancement du bénéficiaire : le coût total "
            f"éligible reste fixé à {eur('100 000,00')}.") in contenu
    # 50 000 ÷ 100 000 = 50,0 % ; l'option de coûts et son article, ceux du programme 2021-2027.
    assert f"plafonnée à {eur('50 000,00')}, soit 50,0\u00a0% du coût total éligible" in contenu
    assert "Option de coûts simplifiés : Coûts réels (toutes les dépenses sont justifiées) — Règlement (UE) 2021/1060, " \
           "art. 53, paragraphe 1, point a)." in contenu
    assert "Vu le règlement (UE) 2021/1060 du Parlement européen et du Conseil du 24 juin 2021" in contenu
    assert "Vu le décret n° 2022-608 du 21 avril 2022" in contenu and "1303/2013" not in contenu

    # « Demandé » à côté de « conventionné », sur la fiche de la convention comme sur celle de l'opération.
    client.force_login(porteur)
    for adresse in (convention.get_absolute_url(), operation.get_absolute_url()):
        page = client.get(adresse).content.decode()
        assert ('<th scope="row">Aide FSE</th><td class="nombre">' + eur("60 000,00") + '</td><td class="nombre">'
                + eur("50 000,00") + "</td>") in page, adresse
        assert "Depuis la convention, le plan de financement de l'opération est le plan conventionné" in page

    signer(convention, animation=animation, porteur=porteur)
    operation_transition(operation=Operation.objects.get(pk=programmee.pk), nom="demarrer", user=animation)
    # Réalisé et retenu : 64 000 € de personnel et 16 000 € de fonctionnement, 80 000 € de dépenses éligibles.
    bilan = deposer_le_bilan(Operation.objects.get(pk=programmee.pk), porteur, "64000.00", "16000.00")
    tout_retenir(bilan, gestionnaire)
    calcul = controle.calcul_du_bilan(bilan)
    # 80 000 × 50 000 ÷ 100 000 = 40 000,00 € (et non 80 000 × 60 000 ÷ 100 000 = 48 000 €, le taux de la demande).
    # Avance : 30 % × 50 000 = 15 000,00 € ; solde : 40 000 − 15 000 = 25 000,00 €.
    assert (calcul.eligible, calcul.fse_calcule, calcul.fse_du) == (D("80000.00"), D("40000.00"), D("40000.00"))
    assert (calcul.avance, calcul.solde) == (D("15000.00"), D("25000.00"))
    assert (f"Taux FSE de la convention n° {convention.numero}, version 1 : {eur('50 000,00')} ÷ {eur('100 000,00')} "
            "= 50,00\u00a0% (taux exact, non arrondi dans le calcul).") in calcul.etapes
    assert f"FSE calculé : {eur('80 000,00')} × {eur('50 000,00')} ÷ {eur('100 000,00')} = {eur('40 000,00')}." \
        in calcul.etapes

    # La page de contrôle : le taux et d'où il vient, l'option et son article, la demande pour mémoire.
    client.force_login(gestionnaire)
    page = client.get(reverse("justificatifs:controle", args=[operation.code, bilan.rang])).content.decode()
    assert f"n° {convention.numero}</a>, <a" in page and "version 1</a> (convention initiale)" in page
    assert f"50,00\u00a0% = FSE conventionné {eur('50 000,00')} ÷ coût total éligible conventionné " \
           f"{eur('100 000,00')}" in page
    assert "Coûts réels (toutes les dépenses sont justifiées) — Règlement (UE) 2021/1060, art. 53" in page
    assert f"FSE demandé {eur('60 000,00')} pour un coût total de {eur('100 000,00')} (60,00\u00a0%)" in page

    # Le rapport de contrôle de service fait dit la même chose, avec les mentions du programme 2021-2027.
    rapport = ouvrir(rapport_csf.csf_valider(bilan=bilan, user=gestionnaire))
    corps = texte(rapport)
    assert (f"Taux FSE : 50,00\u00a0%, soit le FSE conventionné ({eur('50 000,00')}) divisé par le coût total éligible "
            f"conventionné ({eur('100 000,00')}), de la convention n° {convention.numero}, version 1.") in corps
    assert (f"Pour mémoire, la demande d'origine : {eur('60 000,00')} de FSE pour un coût total de "
            f"{eur('100 000,00')} (60,00\u00a0%).") in corps
    assert "Option de coûts simplifiés : Coûts réels (toutes les dépenses sont justifiées) — Règlement (UE) 2021/1060" \
        in corps
    assert "Arrondis : chaque montant calculé est arrondi une fois, au centime le plus proche, demi-centime vers le " \
           "haut" in corps
    assert "Cofinancé par l'Union européenne" in "\n".join(p.text for p in rapport.sections[0].header.paragraphs)


def test_plafonne_au_fse_conventionne(en_realisation, porteur, gestionnaire):
    operation = en_realisation.operation
    # Réalisé au-delà du plan : 90 000 + 25 000 = 115 000 € retenus ; 115 000 × 50 % = 57 500,00 €,
    # plafonnés aux 50 000,00 € de la convention (et non aux 60 000 € demandés).
    bilan = deposer_le_bilan(operation, porteur, "90000.00", "25000.00")
    tout_retenir(bilan, gestionnaire)
    calcul = controle.calcul_du_bilan(bilan)
    assert (calcul.fse_calcule, calcul.fse_du) == (D("57500.00"), D("50000.00"))
    assert calcul.etapes[-2].endswith(f"; plafonné au FSE conventionné : {eur('50 000,00')}.")


# --- L'avenant qui relève l'aide après une nouvelle décision de programmation ---

def proposition(operation, fse: str) -> dict:
    """La version en vigueur, l'aide FSE portée à `fse` et l'autofinancement diminué d'autant (coût total inchangé)."""
    donnees = json.loads(json.dumps(version_courante(operation).donnees))
    ancienne = next(r for r in donnees["ressources"] if r["est_fse"])
    autofinancement = next(r for r in donnees["ressources"] if r["financeur_nom"] == "Autofinancement")
    autofinancement["montant"] = str(D(autofinancement["montant"]) - (D(fse) - D(ancienne["montant"])))
    ancienne["montant"] = fse
    return donnees


def test_avenant_qui_releve_l_aide_apres_une_nouvelle_decision(en_realisation, animation, porteur, membre,
                                                               gestionnaire):
    operation = en_realisation.operation
    with pytest.raises(ActionRefusee, match="dépasse l'aide votée \\(50\u202f000,00\u00a0€, comité de programmation du "
                                            "15/11/2022\\) : une hausse exige une nouvelle décision"):
        conventions.avenant_creer(convention=en_realisation, user=animation, motif="Hausse",
                                  apres=proposition(operation, "55000.00"))
    # Le comité du 16/05/2023 (procès-verbal validé) porte l'aide à 55 000 €.
    PointFactory(comite=ComiteFactory(membres=[membre], etat=EtatComite.PV_VALIDE,
                                      date=datetime(2023, 5, 16, 14, tzinfo=PARIS)),
                 reponse=operation.reponse_appel, decision=Decision.PROGRAMMEE, montant_vote=D("55000.00"))
    with pytest.raises(ActionRefusee, match="dépasse l'aide votée \\(55\u202f000,00\u00a0€"):
        conventions.avenant_creer(convention=en_realisation, user=animation, motif="Hausse",
                                  apres=proposition(operation, "55000.01"))
    avenant = conventions.avenant_creer(convention=en_realisation, user=animation,
                                        motif="Aide portée à 55 000 € par le comité du 16/05/2023.",
                                        apres=proposition(operation, "55000.00"))
    contenu = texte(ouvrir(document_courant(avenant)))
    assert f"Vu la décision du Comité de programmation du 16/05/2023 portant l'aide votée à {eur('55 000,00')} ;" \
        in contenu
    # 55 000 ÷ 100 000 = 55,0 %.
    assert f"plafonnée à {eur('55 000,00')}, soit 55,0\u00a0% du coût total éligible" in contenu
    signer(avenant, animation=animation, porteur=porteur, jusqu_a="signer")
    avenant.refresh_from_db()
    assert avenant.version.numero == 2 and Operation.objects.get(pk=operation.pk).montant_fse == D("55000.00")
    # Signé par le PLIE le 30/06/2023 (la base date la signature du jour où le test tourne : on la ramène en 2023).
    VersionOperation.objects.filter(pk=avenant.version_id).update(creee_le=datetime(2023, 6, 30, 10, tzinfo=PARIS))

    bilan = deposer_le_bilan(Operation.objects.get(pk=operation.pk), porteur, "64000.00", "16000.00")
    tout_retenir(bilan, gestionnaire)
    # Le bilan finit le 31/12/2023, après la signature : version 2. 80 000 × 55 000 ÷ 100 000 = 44 000,00 €.
    calcul = controle.calcul_du_bilan(bilan)
    assert (calcul.fse_calcule, calcul.fse_du) == (D("44000.00"), D("44000.00"))
    assert any(f"version 2 (avenant n° 1 {avenant.numero}, signé le 30/06/2023)" in e for e in calcul.etapes)
    # Un avenant signé après la fin de la période du bilan ne s'y applique pas : version 1,
    # 80 000 × 50 000 ÷ 100 000 = 40 000,00 €.
    VersionOperation.objects.filter(pk=avenant.version_id).update(creee_le=datetime(2024, 1, 15, 10, tzinfo=PARIS))
    assert controle.calcul_du_bilan(bilan).fse_du == D("40000.00")


# --- Chaque taux forfaitaire de chaque programme, sur un petit bilan ---

# Retenu au contrôle : 1 000 € de personnel, 300 € de fonctionnement, 200 € de prestations, et 100 € de coûts
# indirects déclarés (que le forfait remplace). Plan : 5 000 € de FSE pour 10 000 € de coût total (50 %).
PETIT_BILAN = [Ligne("personnel", D("1000"), D("1000")), Ligne("fonctionnement", D("300"), D("300")),
               Ligne("prestations", D("200"), D("200")), Ligne("indirectes", D("100"), D("100"))]
PLAN = dict(montant_fse=D("5000"), cout_total=D("10000"), plafond=D("5000"), avance=D("0"))


@pytest.mark.parametrize(("programme_", "code", "forfait", "eligible", "fse_du"), [
    # 2014-2020 (règlement 1303/2013). 15 % × 1 000 = 150 ; directes 1 000 + 300 + 200 = 1 500 ; 1 650 × 50 % = 825.
    (FSE_2014, "indirects_15", "150.00", "1650.00", "825.00"),
    # 20 % × (1 000 + 300) = 260 ; 1 500 + 260 = 1 760 ; × 50 % = 880.
    (FSE_2014, "indirects_20", "260.00", "1760.00", "880.00"),
    # 40 % × 1 000 = 400 ; seul le personnel est direct : 1 000 + 400 = 1 400 ; × 50 % = 700.
    (FSE_2014, "restants_40", "400.00", "1400.00", "700.00"),
    # 2021-2027 (règlement 2021/1060). 7 % × (1 000 + 300 + 200) = 105 ; 1 500 + 105 = 1 605 ; × 50 % = 802,50.
    (FSEPLUS_2021, "indirects_7", "105.00", "1605.00", "802.50"),
    # 15 % × 1 000 = 150 ; 1 650 × 50 % = 825.
    (FSEPLUS_2021, "indirects_15", "150.00", "1650.00", "825.00"),
    # 40 % × 1 000 = 400 ; 1 400 × 50 % = 700.
    (FSEPLUS_2021, "restants_40", "400.00", "1400.00", "700.00"),
])
def test_chaque_taux_forfaitaire_de_chaque_programme(programme_, code, forfait, eligible, fse_du):
    option = option_de_couts(programme_, code)
    calcul = calculer(PETIT_BILAN, option=option, extrapolation_autorisee=False, **PLAN)
    assert (calcul.forfait, calcul.eligible, calcul.fse_du) == (D(forfait), D(eligible), D(fse_du))
    assert any(option.article in e and option.libelle in e for e in calcul.etapes)


def test_chaque_arrondi_au_centime_demi_centime_vers_le_haut():
    # 15 % × 1 000,30 = 150,045 → 150,05 (au plus proche, demi-centime vers le haut ; l'arrondi bancaire dirait 150,04).
    # Directes 1 000,30 + 0,90 = 1 001,20 ; éligibles 1 001,20 + 150,05 = 1 151,25 ; × 50 % = 575,625 → 575,63.
    lignes = [Ligne("personnel", D("1000.30"), D("1000.30")), Ligne("fonctionnement", D("0.90"), D("0.90"))]
    calcul = calculer(lignes, option=option_de_couts(FSE_2014, "indirects_15"), extrapolation_autorisee=False, **PLAN)
    assert (calcul.forfait, calcul.eligible, calcul.fse_du) == (D("150.05"), D("1151.25"), D("575.63"))
    assert D("150.045").quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("150.04")  # ce que l'on n'a pas voulu
    assert any(f"= 150,045\u00a0€, arrondi à {eur('150,05')} (au centime le plus proche, demi-centime vers le haut)"
               in e for e in calcul.etapes)
    assert any(f"= 575,625\u00a0€, arrondi à {eur('575,63')}" in e for e in calcul.etapes)
    # 7 % × 1 001,50 = 70,105 → 70,11.
    calcul = calculer([Ligne("personnel", D("1001.50"), D("1001.50"))], option=option_de_couts(FSEPLUS_2021, "indirects_7"),
                      extrapolation_autorisee=False, **PLAN)
    assert calcul.forfait == D("70.11")


def test_le_taux_fse_n_est_pas_arrondi_avant_la_multiplication():
    # 10 000 ÷ 30 000 = 1/3 : 1 000 × 1/3 = 333,333… → 333,33 ; avec un taux arrondi à 33,33 %, on trouverait 333,30.
    calcul = calculer([Ligne("personnel", D("1000"), D("1000"))], option=option_de_couts(FSE_2014, "reels"),
                      montant_fse=D("10000"), cout_total=D("30000"), plafond=D("10000"), avance=D("0"),
                      extrapolation_autorisee=False)
    assert calcul.fse_du == D("333.33")


def test_l_echantillonnage_extrapole_chaque_ligne_arrondie_une_fois():
    # Échantillon : 4 dépenses de 1 000 € déclarées, 1 000 + 1 000 + 900 + 700 = 3 600 € retenus :
    # taux d'erreur 400 ÷ 4 000 = 10 %. Six dépenses hors échantillon de 333,45 € : 333,45 × 90 % = 300,105 → 300,11
    # chacune (l'arrondi bancaire dirait 300,10) ; 6 × 300,11 = 1 800,66.
    # Retenu : 3 600 + 1 800,66 = 5 400,66 ; au réel, × 50 % = 2 700,33 €.
    lignes = [Ligne("personnel", D("1000"), D(r)) for r in ("1000", "1000", "900", "700")]
    lignes += [Ligne("personnel", D("333.45"), None, f"Vacation n° {n}") for n in range(1, 7)]
    calcul = calculer(lignes, option=option_de_couts(FSEPLUS_2021, "reels"), extrapolation_autorisee=True, **PLAN)
    assert (calcul.taux_erreur, calcul.retenu_direct, calcul.fse_du) == (D("0.1"), D("5400.66"), D("2700.33"))
    assert f"Extrapolation de « Vacation n° 1 » : {eur('333,45')} × (1 − taux d'erreur) = 300,105\u00a0€, " \
           f"arrondi à {eur('300,11')} (au centime le plus proche, demi-centime vers le haut)." in calcul.etapes


# --- Une option que le programme n'offre pas est refusée à la convention ---

@pytest.mark.parametrize(("debut", "code", "libelle", "programme_"), [
    (date(2016, 1, 1), "indirects_7", "Coûts indirects forfaitaires : 7 % des coûts directs", "FSE 2014-2020"),
    (date(2023, 1, 1), "indirects_20", "Coûts indirects forfaitaires : 20 % des coûts directs hors prestations",
     "FSE+ 2021-2027"),
])
def test_une_option_que_le_programme_n_offre_pas_est_refusee(debut, code, libelle, programme_, animation, structure):
    operation = OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE, date_debut=debut,
                                 date_fin=date(debut.year, 12, 31))
    assert operation.programme.libelle == programme_
    with pytest.raises(ActionRefusee, match=re.escape(f"« {libelle} » n'est pas offerte par le programme {programme_}")):
        conventions.convention_generer(operation=operation, user=animation, regime_couts=code)
    assert not Convention.objects.exists() and not operation.versions.exists()
    # Le formulaire ne propose que les options du programme de l'opération.
    formulaire = GenerationForm(operation=operation)
    offertes = [c for c, _ in formulaire.fields["regime_couts"].choices]
    assert code not in offertes and offertes == [o["code"] for o in operation.programme.options_couts]
    refuse = GenerationForm({"taux_avance": "30", "regime_couts": code}, operation=operation)
    assert not refuse.is_valid()
    assert f"n'est pas offerte par le programme {programme_}" in refuse.errors["regime_couts"][0]
