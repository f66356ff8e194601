"""Les aides de l'enveloppe souple : qui demande, qui décide, la motivation, le budget (le reste dans le message),
le paiement et sa facture reprise au bilan de l'enveloppe et à son contrôle de service fait, les chiffres du rapport
d'activité sur un petit jeu calculé à la main."""
import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.roles import Role
from justificatifs import services_aides
from justificatifs.aides import Aide, reste
from justificatifs.options import EtatAide
from justificatifs.pieces import piece_retirer
from justificatifs.selectors_aides import enveloppe_du_rapport
from justificatifs.services import bilan_enregistrer, bilan_preparer
from operations.options import Etat
from operations.workflow import ActionRefusee
from participants.rapport import rapport_activite
from tests.factories import utilisateur
from tests.lecture_docx import texte
from tests.stockage import fichiers
from tests.justificatifs.aides import accordee, demande, enveloppe, participant, payee, pdf

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def env(db):
    return enveloppe("1000.00")


def test_le_referent_demande_pour_ses_participants_seulement(env, referent, structure, autre_structure):
    aide = demande(referent, participant(structure))
    assert (aide.etat, aide.operation, aide.montant_demande, aide.demandee_par) == (EtatAide.DEMANDEE, env, D("300.00"), referent)
    assert aide.devis_type == "application/pdf"
    with pytest.raises(ActionRefusee, match="Réservé à la structure"):
        demande(utilisateur(Role.REFERENT, structure=autre_structure), participant(structure))


def test_une_demande_mal_remplie_nomme_chaque_champ_et_rien_n_est_cree(env, referent, structure):
    with pytest.raises(ActionRefusee) as refus:
        services_aides.aide_demander(user=referent, participant=participant(structure), le=date(2016, 3, 1),
                                     donnees={"motif": "VACANCES", "nature": "", "montant_demande": "abc",
                                              "justification": " "})
    message = str(refus.value)
    for champ in ("Motif :", "Nature :", "Montant demandé :", "Justification :"):
        assert champ in message
    assert not Aide.objects.exists()


def test_pas_d_enveloppe_pour_la_date(env, referent, structure):
    with pytest.raises(ActionRefusee, match="aucune enveloppe souple conventionnée ne couvre le 01/03/2018"):
        demande(referent, participant(structure), le=date(2018, 3, 1))


def test_motivation_obligatoire_pour_refuser_et_demander_un_complement(env, referent, animation, structure):
    aide = demande(referent, participant(structure))
    for nom in ("refuser", "demander_complement"):
        with pytest.raises(ActionRefusee, match="La motivation est obligatoire"):
            services_aides.aide_transition(aide=aide, nom=nom, user=animation)
    services_aides.aide_transition(aide=aide, nom="demander_complement", user=animation, motivation="Joindre le devis signé.")
    # Le complément revient au référent, qui corrige le montant et renvoie.
    with pytest.raises(ActionRefusee, match="Réservé à : référent"):
        services_aides.aide_completer(aide=aide, user=animation, donnees={"montant_demande": "250"})
    services_aides.aide_completer(aide=aide, user=referent, donnees={"montant_demande": "250,00"}, devis=pdf())
    aide.refresh_from_db()
    assert (aide.etat, aide.montant_demande) == (EtatAide.DEMANDEE, D("250.00"))
    services_aides.aide_transition(aide=aide, nom="refuser", user=animation, motivation="Hors des critères.",
                                   le=date(2016, 3, 10))
    aide.refresh_from_db()
    assert (aide.etat, aide.decidee_le, aide.decidee_par, aide.motivation) == (
        EtatAide.REFUSEE, date(2016, 3, 10), animation, "Hors des critères.")


def test_seule_l_animation_decide_et_jamais_au_dessus_du_demande(env, referent, animation, structure, gestionnaire):
    aide = demande(referent, participant(structure))
    for qui in (referent, gestionnaire):
        with pytest.raises(ActionRefusee, match="Réservé à : équipe d'animation"):
            services_aides.aide_accorder(aide=aide, user=qui, montant="300")
    with pytest.raises(ActionRefusee, match="au plus le montant demandé"):
        services_aides.aide_accorder(aide=Aide.objects.get(pk=aide.pk), user=animation, montant="300,01")
    services_aides.aide_accorder(aide=Aide.objects.get(pk=aide.pk), user=animation, montant="280,00",
                                 motivation="Tarif de la crèche municipale.")
    assert Aide.objects.get(pk=aide.pk).montant_accorde == D("280.00")


def test_accorder_au_dela_du_reste_est_refuse_avec_le_reste(env, referent, animation, structure):
    payee(referent, animation, participant(structure), "400,00", paye="380,50")  # payé : 380,50
    accordee(referent, animation, participant(structure), "385,00")              # accordé non payé : 385,00
    demande(referent, participant(structure), "500,00")                          # demandé : ne compte pas
    # 1 000,00 − 380,50 − 385,00 = 234,50
    assert reste(env) == D("234.50")
    aide = demande(referent, participant(structure), "250,00")
    with pytest.raises(ActionRefusee) as refus:
        services_aides.aide_accorder(aide=aide, user=animation, montant="250,00")
    assert "Il reste 234,50\u00a0€ sur l'enveloppe 2016." in str(refus.value)
    assert Aide.objects.get(pk=aide.pk).etat == EtatAide.DEMANDEE
    services_aides.aide_accorder(aide=Aide.objects.get(pk=aide.pk), user=animation, montant="234,50")
    assert reste(env) == D("0.00")


def test_le_paiement_exige_date_beneficiaire_facture_et_au_plus_l_accorde(env, referent, animation, structure, gestionnaire,
                                                                          settings):
    aide = accordee(referent, animation, participant(structure), "300,00")
    with pytest.raises(ActionRefusee) as refus:
        services_aides.aide_payer(aide=aide, user=animation, montant="300,01", le=None, beneficiaire=" ", facture=None)
    for champ in ("Montant payé :", "Date du paiement :", "Bénéficiaire du paiement :", "Facture :"):
        assert champ in str(refus.value)
    with pytest.raises(ActionRefusee, match="Réservé à : équipe d'animation"):
        services_aides.aide_payer(aide=aide, user=gestionnaire, montant="300", le=date(2016, 4, 1),
                                  beneficiaire="Crèche", facture=pdf("facture.pdf"))
    assert Aide.objects.get(pk=aide.pk).etat == EtatAide.ACCORDEE
    assert not [f for f in fichiers() if "/facture-" in f]  # un paiement refusé ne laisse pas de fichier


def test_l_aide_payee_est_une_ligne_du_bilan_avec_sa_facture_et_au_controle(client, env, referent, animation, structure,
                                                                           gestionnaire):
    porteur = utilisateur(Role.PORTEUR, structure=env.porteur)
    aide = payee(referent, animation, participant(structure), "420,00", paye="415,20", payee_le=date(2016, 5, 12))
    bilan = bilan_preparer(operation=env, user=porteur)
    ligne = bilan.depenses.get(aide=aide)
    assert (ligne.prevu, ligne.realise, ligne.categorie) == (D("0"), D("415.20"), "fonctionnement")
    assert ligne.libelle == f"Aide n° {aide.pk} : garde d'enfants (entrée ou maintien en formation), payée le 12/05/2016"
    piece = ligne.pieces.get()
    assert (piece.nature, piece.nom, piece.fichier.name) == ("facture", "facture.pdf", aide.facture.name)
    # La ligne ne se modifie pas à la main, sa facture ne se retire pas.
    with pytest.raises(ActionRefusee, match="vient du paiement de l'aide"):
        bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={}, depenses={ligne.pk: "1"}, ressources={})
    with pytest.raises(ActionRefusee, match="ne se retire pas"):
        piece_retirer(piece=piece, user=porteur)
    # Une aide payée après la préparation arrive à l'enregistrement suivant, une seule fois.
    seconde = payee(referent, animation, participant(structure), "80,00", payee_le=date(2016, 6, 1))
    bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={}, depenses={}, ressources={})
    bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={}, depenses={}, ressources={})
    assert bilan.depenses.filter(aide=seconde).count() == 1
    # Le contrôle de service fait voit la ligne et ouvre la facture.
    client.force_login(gestionnaire)
    page = html.unescape(client.get(reverse("justificatifs:controle", args=[env.code, bilan.rang])).content.decode())
    adresse = reverse("justificatifs:piece", args=[env.code, bilan.rang, piece.pk])
    assert ligne.libelle in page and f'<a href="{adresse}">Facture acquittée</a>' in page
    telechargee = client.get(reverse("justificatifs:piece", args=[env.code, bilan.rang, piece.pk]))
    assert telechargee.status_code == 200


def test_chiffres_du_rapport_sur_un_petit_jeu_calcule_a_la_main(env, referent, animation, structure):
    """Quatre participants (1 H, 3 F) ; en 2016 :
    - Anne (F) : garde d'enfants, formation, 300,00 payés ; transport, emploi, 100,00 payés (deux aides, une personne)
    - Bruno (H) : permis, emploi, 200,00 accordés puis 150,50 payés
    - Chloé (F) : équipement, stage, 49,50 payés
    - Dina (F) : refus (décidé le 04/04/2016) ; une demande encore à décider ; une aide payée en 2017 (hors période)
    Demandes traitées = 4 payées + 1 accordée-payée de Bruno comptée une fois + 1 refus = 5 + 1 = 6 ? Non : chaque aide
    décidée compte une fois : Anne 2, Bruno 1, Chloé 1, Dina refus 1 = 5 (la demande non décidée ne compte pas, l'aide
    de 2017 est décidée en 2017).
    Montant payé = 300,00 + 100,00 + 150,50 + 49,50 = 600,00.
    Emploi = 100,00 + 150,50 = 250,50 → 250,50 / 600 = 0,4175 → 0,42 ; formation 300 / 600 = 0,50 ;
    stage 49,50 / 600 = 0,0825 → 0,08 ; garde d'enfants 300 / 600 = 0,50.
    Participants aidés : Anne, Bruno, Chloé = 3 (1 H, 2 F)."""
    enveloppe("5000.00", annee=2017)
    anne, bruno = participant(structure, "F"), participant(structure, "H")
    chloe, dina = participant(structure, "F"), participant(structure, "F")
    payee(referent, animation, anne, "300,00", le=date(2016, 2, 1))
    payee(referent, animation, anne, "100,00", motif="EMPLOI", nature="TRANSPORT", le=date(2016, 5, 1))
    payee(referent, animation, bruno, "200,00", paye="150,50", motif="EMPLOI", nature="PERMIS", le=date(2016, 6, 1))
    payee(referent, animation, chloe, "49,50", motif="STAGE", nature="EQUIPEMENT", le=date(2016, 9, 1))
    refus = demande(referent, dina, "90,00", le=date(2016, 4, 1))
    services_aides.aide_transition(aide=refus, nom="refuser", user=animation, motivation="Déjà financé.",
                                   le=date(2016, 4, 4))
    demande(referent, dina, "60,00", le=date(2016, 12, 20))
    payee(referent, animation, dina, "70,00", le=date(2017, 1, 10))
    attendu = {"demandes_traitees": 5, "participants_aides": {"total": 3, "H": 1, "F": 2}, "montant_total": "600.00",
               "repartition_par_motif": {"EMPLOI": 0.42, "FORMATION": 0.5, "STAGE": 0.08}, "part_garde_enfants": 0.5}
    assert enveloppe_du_rapport(date(2016, 1, 1), date(2016, 12, 31)) == attendu
    assert rapport_activite(date(2016, 1, 1), date(2016, 12, 31))["enveloppe_souple"] == attendu


def _page(client, adresse, donnees=None) -> str:
    reponse = client.post(adresse, donnees) if donnees is not None else client.get(adresse)
    return html.unescape(reponse.content.decode()) if reponse.status_code == 200 else str(reponse.status_code)


def test_par_les_pages_de_la_demande_au_paiement(client, referent, animation, structure):
    aujourdhui = timezone.localdate()
    enveloppe("1000.00", annee=aujourdhui.year)  # l'enveloppe de l'année : la demande est datée du jour
    personne = participant(structure, nom="Dupré")
    client.force_login(referent)
    assert "Demander une aide de l'enveloppe souple" in _page(client, reverse("participants:fiche", args=[personne.pk]))
    adresse = reverse("justificatifs:demander_aide")
    assert "il reste 1\u202f000,00\u00a0€ sur 1\u202f000,00\u00a0€" in _page(client, adresse)
    page = _page(client, adresse, {"participant": personne.pk, "motif": "EMPLOI", "nature": "TRANSPORT",
                                   "montant_demande": "", "justification": "Trajets vers le chantier."})
    assert 'id="resume-erreurs"' in page and "Montant demandé" in page and not Aide.objects.exists()
    reponse = client.post(adresse, {"participant": personne.pk, "motif": "EMPLOI", "nature": "TRANSPORT",
                                    "montant_demande": "180,00", "justification": "Trajets vers le chantier.",
                                    "devis": pdf()})
    aide = Aide.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == aide.get_absolute_url()
    client.force_login(animation)
    liste = _page(client, reverse("justificatifs:aides") + "?q=dupre&etat=demandee")
    assert "1 aide" in liste and 'aria-current="page">Aides</a>' in liste
    page = _page(client, aide.get_absolute_url())
    assert "Reste" in page and "1\u202f000,00\u00a0€" in page and "Accorder l'aide" in page
    # Au-delà du demandé : refusé, l'erreur dans le résumé ; puis accordé à moins.
    page = _page(client, reverse("justificatifs:accorder_aide", args=[aide.pk]), {"montant": "200", "motivation": ""})
    assert 'id="resume-erreurs"' in page and "au plus le montant demandé" in page
    client.post(reverse("justificatifs:accorder_aide", args=[aide.pk]), {"montant": "150,00", "motivation": "Tarif réduit."})
    aide.refresh_from_db()
    assert (aide.etat, aide.montant_accorde) == (EtatAide.ACCORDEE, D("150.00"))
    client.post(reverse("justificatifs:payer_aide", args=[aide.pk]), {
        "le": aujourdhui.isoformat(), "montant": "150,00", "beneficiaire": "Divia", "facture": pdf("facture-divia.pdf")})
    aide.refresh_from_db()
    assert (aide.etat, aide.montant_paye, aide.payee_le, aide.facture_nom) == (
        EtatAide.PAYEE, D("150.00"), aujourdhui, "facture-divia.pdf")
    assert client.get(reverse("justificatifs:facture_aide", args=[aide.pk])).status_code == 200
    assert "850,00\u00a0€" in _page(client, aide.get_absolute_url())


def test_le_bureau_montre_a_l_animation_les_aides_a_decider_et_a_payer(client, env, referent, animation, structure):
    demande(referent, participant(structure))
    accordee(referent, animation, participant(structure))
    client.force_login(animation)
    page = client.get(reverse("accueil")).content.decode()
    page = html.unescape(page)
    assert "Aides de l'enveloppe souple à décider" in page
    assert "Aides accordées à payer" in page
    # Le référent : les compléments qu'on attend de lui.
    attente = demande(referent, participant(structure))
    services_aides.aide_transition(aide=attente, nom="demander_complement", user=animation, motivation="Le devis signé.")
    client.force_login(referent)
    page = html.unescape(client.get(reverse("accueil")).content.decode())
    assert "Aides : compléments demandés" in page and f'href="{attente.get_absolute_url()}#completer"' in page


@pytest.mark.parametrize("etat", [Etat.BILAN_DEPOSE, Etat.SOLDEE])
def test_une_enveloppe_au_bilan_n_engage_plus(etat, referent, structure):
    enveloppe(etat=etat)
    with pytest.raises(ActionRefusee, match="aucune enveloppe souple"):
        demande(referent, participant(structure))


def test_une_autre_structure_ne_voit_pas_l_aide(client, env, referent, animation, structure, autre_structure):
    aide = demande(referent, participant(structure, nom="Invisible"))
    client.force_login(utilisateur(Role.REFERENT, structure=autre_structure))
    assert client.get(aide.get_absolute_url()).status_code == 404
    assert "Invisible" not in client.get(reverse("justificatifs:aides")).content.decode()


def test_la_partie_enveloppe_du_rapport_sur_la_page_dans_le_classeur_et_le_word(client, env, referent, animation,
                                                                                 structure):
    """Deux aides payées en 2016 : Eve (F) 300,00 € de garde d'enfants pour une formation, Hugo (H) 100,00 € de
    transport pour un emploi. 400,00 € : formation 75 %, emploi 25 %, stage 0 %, garde d'enfants 75 % ; 2 demandes
    traitées, 2 participants aidés, 1 homme (50 %), 1 femme (50 %)."""
    import io

    import openpyxl
    from docx import Document

    from operations.documents import ImageDocx
    from participants.rapport import contexte_docx

    payee(referent, animation, participant(structure, "F"), "300,00", le=date(2016, 2, 1))
    payee(referent, animation, participant(structure, "H"), "100,00", motif="EMPLOI", nature="TRANSPORT",
          le=date(2016, 3, 1))
    client.force_login(animation)
    periode = {"debut": "2016-01-01", "fin": "2016-12-31"}
    page = html.unescape(client.get(reverse("participants:rapport"), periode).content.decode())
    assert "L'enveloppe souple" in page and "400,00\u00a0€" in page
    assert "Formation : 75\u00a0%" in page and "Emploi : 25\u00a0%" in page and "Dont garde d'enfants</dt><dd>75\u00a0%" in page
    classeur = openpyxl.load_workbook(io.BytesIO(client.get(reverse("participants:rapport"),
                                                            {**periode, "format": "xlsx"}).content))
    lignes = [tuple(c.value for c in ligne) for ligne in classeur["Enveloppe souple"].iter_rows()]
    assert ("Demandes traitées", "accordées ou refusées dans la période", 2) in lignes
    assert ("Participants aidés", "Femmes", 1) in lignes and ("Montant payé (€)", "Total", 400) in lignes
    assert ("Répartition du montant", "Entrée ou maintien en formation", 0.75) in lignes
    contexte = contexte_docx(rapport_activite(date(2016, 1, 1), date(2016, 12, 31)))
    enveloppe_word = contexte["enveloppe"]
    assert (enveloppe_word["demandes"], enveloppe_word["participants"], enveloppe_word["hommes"],
            enveloppe_word["femmes"]) == (2, 2, 1, 1)
    assert (enveloppe_word["part_hommes"], enveloppe_word["montant"], enveloppe_word["garde_enfants"]) == (
        D("0.5"), D("400.00"), D("0.75"))
    assert [(m["motif"], m["part"]) for m in enveloppe_word["motifs"]] == [
        ("Accès ou maintien dans l'emploi", D("0.25")), ("Entrée ou maintien en formation", D("0.75")),
        ("Stage en entreprise", D("0"))]
    assert isinstance(contexte["graphique_aides"], ImageDocx)
    word = client.get(reverse("participants:rapport"), {**periode, "format": "docx"})
    contenu = texte(Document(io.BytesIO(word.content)))
    assert "L'enveloppe souple" in contenu and "400,00\u00a0€" in contenu  # la section du modèle Word, remplie
    sans_aide = client.get(reverse("participants:rapport"), {"debut": "2015-01-01", "fin": "2015-12-31", "format": "docx"})
    assert "L'enveloppe souple" not in texte(Document(io.BytesIO(sans_aide.content)))  # absente d'une période sans aide


def test_la_fiche_de_l_enveloppe_et_celle_du_participant_menent_a_leurs_aides(client, env, referent, animation,
                                                                               structure):
    personne = participant(structure)
    aide = demande(referent, personne)
    client.force_login(animation)
    fiche = html.unescape(client.get(env.get_absolute_url()).content.decode())
    assert f'href="{reverse("justificatifs:aides")}?enveloppe={env.code}"' in fiche
    liste = html.unescape(client.get(reverse("justificatifs:aides"), {"enveloppe": env.code}).content.decode())
    assert "1 aide de l'enveloppe" in liste and aide.get_absolute_url() in liste
    fiche = html.unescape(client.get(reverse("participants:fiche", args=[personne.pk])).content.decode())
    assert "Aides de l'enveloppe souple (1)" in fiche
