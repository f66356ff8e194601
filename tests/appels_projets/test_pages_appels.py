"""Les pages des appels et des réponses vues par leurs utilisateurs : rédaction, publication, réponse, dépôt,
pièces, compléments, recevabilité, analyse, export ; ce qu'un porteur ne voit jamais."""
import csv
import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appels_projets.models import (
    Analyse, AppelAProjets, CritereAnalyse, DemandeComplements, PieceDeposee, PieceJointeAppel, PieceRequise, Reponse,
    VerificationRecevabilite,
)
from appels_projets.options import Decision, EtatAppel
from operations.documents import documents_de
from operations.models import Operation, TypeOperation
from operations.programmes import Programme
from operations.options import Etat
from tests.factories import OperationFactory
from tests.stockage import fichiers

from .factories import AnalyseFactory, AppelFactory, PointFactory, ReponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fichiers_dans_un_dossier_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def texte(reponse):
    """Le texte de la page tel que l'utilisateur le lit (entités HTML décodées)."""
    return html.unescape(reponse.content.decode())


def texte_brut(reponse):
    """Le texte sans balises, espaces resserrés : ce qu'un lecteur d'écran lit d'une traite."""
    return " ".join(re.sub(r"<[^>]+>", " ", texte(reponse)).split())


def pdf_reel() -> bytes:
    """Un vrai PDF d'une page A4 vide (table des références croisées comprise), comme en produit un logiciel."""
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    sortie = bytearray(b"%PDF-1.4\n")
    positions = []
    for rang, corps in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += b"%d 0 obj\n%s\nendobj\n" % (rang, corps)
    debut_xref = len(sortie)
    sortie += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    for position in positions:
        sortie += b"%010d 00000 n \n" % position
    sortie += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, debut_xref)
    return bytes(sortie)


EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 2048  # un binaire Linux, quel que soit son nom
TROP_GROS = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)


# --- Rédaction d'un appel par l'équipe d'animation ---

def donnees_appel(**changements):
    """Le POST complet d'un appel valide : trois critères (40/35/25), deux pièces, aucune pièce jointe."""
    types = list(TypeOperation.objects.filter(actif=True).values_list("pk", flat=True)[:2])
    donnees = {
        "titre": "Remobilisation autour des compétences 2017",
        "annee": "2017",
        "types": types,
        "cahier_des_charges": "Diagnostic, remédiation, recherche d'emploi.",
        "enveloppe_fse": "250 000,00",
        "cofinancement_attendu": "100 000",
        "date_ouverture": "2017-01-02",
        "date_limite_jour": "2017-02-15",
        "date_limite_heure": "12:00",
        "periode_debut_min": "2017-01-01",
        "periode_fin_max": "2017-12-31",
        "programme": str(Programme.objects.get(code="FSE_2014_2020").pk),
        "taux_fse_max": "50",
        "pieces-TOTAL_FORMS": "3", "pieces-INITIAL_FORMS": "0",
        "pieces-0-libelle": "Budget prévisionnel signé", "pieces-0-obligatoire": "on",
        "pieces-1-libelle": "Lettre d'engagement des cofinanceurs",
        "pieces-2-obligatoire": "on",  # une ligne vide garde sa case cochée par défaut, comme dans le navigateur
        "criteres-TOTAL_FORMS": "3", "criteres-INITIAL_FORMS": "0",
        "criteres-0-libelle": "Pertinence", "criteres-0-poids": "40",
        "criteres-1-libelle": "Qualité de l'accompagnement", "criteres-1-poids": "35",
        "criteres-2-libelle": "Capacité financière", "criteres-2-poids": "25",
        "jointes-TOTAL_FORMS": "2", "jointes-INITIAL_FORMS": "0",
    }
    donnees.update(changements)
    return donnees


def test_l_animation_redige_un_appel_complet(client, animation):
    client.force_login(animation)
    donnees = donnees_appel(**{
        "jointes-0-titre": "Règlement de l'appel",
        "jointes-0-fichier": SimpleUploadedFile("reglement.pdf", pdf_reel(), content_type="application/pdf"),
    })
    reponse = client.post(reverse("appels_projets:creer"), donnees)
    appel = AppelAProjets.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == appel.get_absolute_url()
    assert appel.etat == EtatAppel.BROUILLON and appel.cree_par == animation
    assert appel.enveloppe_fse == Decimal("250000.00") and appel.cofinancement_attendu == Decimal("100000.00")
    limite = timezone.localtime(appel.date_limite)
    assert (limite.date(), limite.hour, limite.minute) == (date(2017, 2, 15), 12, 0)
    assert [(c.libelle, c.poids, c.ordre) for c in appel.criteres.all()] == [
        ("Pertinence", 40, 1), ("Qualité de l'accompagnement", 35, 2), ("Capacité financière", 25, 3)]
    assert [(p.libelle, p.obligatoire) for p in appel.pieces_requises.all()] == [
        ("Budget prévisionnel signé", True), ("Lettre d'engagement des cofinanceurs", False)]
    jointe = appel.pieces_jointes.get()
    page = texte(client.get(appel.get_absolute_url()))
    assert "250\u202f000,00\u00a0€" in page and "Règlement de l'appel" in page
    telechargement = client.get(reverse("appels_projets:piece_jointe", args=[appel.pk, jointe.pk]))
    assert telechargement["Content-Disposition"].startswith("attachment")
    assert b"".join(telechargement.streaming_content) == pdf_reel()


@pytest.mark.parametrize("changements, message", [
    ({"date_limite_jour": "2016-12-15"},
     "Date limite de dépôt : La date limite de dépôt (15/12/2016) précède l'ouverture des dépôts (02/01/2017)."),
    ({"periode_fin_max": "2016-06-30"},
     "Fin de réalisation au plus tard : La fin de réalisation au plus tard (30/06/2016) doit suivre le début au plus tôt "
     "(01/01/2017)."),
    ({"criteres-2-poids": "15"}, "Grille d'analyse : Les poids des critères font 90 au lieu de 100."),
    ({"enveloppe_fse": "deux cent mille"}, "Enveloppe FSE (€) : Saisissez un nombre, par exemple 18 044,30."),
    ({"taux_fse_max": "120"}, "Taux FSE maximal (%) : Assurez-vous que cette valeur est inférieure ou égale à 100."),
    # Règlement (UE) n° 1303/2013, art. 120 : 50 % au plus dans une région plus développée (Bourgogne, 2014-2020).
    ({"taux_fse_max": "60"}, "Taux FSE maximal (%) : Au plus 50\u00a0%, le taux de cofinancement maximal du programme FSE 2014-2020."),
    ({"types": []}, "Types d'opération concernés : Cochez au moins un type d'opération."),
    ({"jointes-0-titre": "Annexe financière",
      "jointes-0-fichier": SimpleUploadedFile("annexe.pdf", EXECUTABLE, content_type="application/pdf")},
     "Pièces jointes au cahier des charges, ligne 1, fichier : Le fichier « annexe.pdf » n'est ni un PDF, ni une image, "
     "ni un document bureautique"),
    ({"jointes-0-titre": "Annexe financière",
      "jointes-0-fichier": SimpleUploadedFile("annexe.pdf", TROP_GROS, content_type="application/pdf")},
     "Pièces jointes au cahier des charges, ligne 1, fichier : Le fichier « annexe.pdf » pèse 11 Mo : le maximum est 10 Mo."),
], ids=["date-limite-avant-ouverture", "periode-inversee", "poids-90", "montant-illisible", "taux-au-dela-de-100", "taux-au-dela-du-programme",
        "sans-type", "fichier-executable", "fichier-trop-gros"])
def test_une_saisie_fautive_est_nommee_et_rien_n_est_ecrit(client, animation, fichiers_dans_un_dossier_temporaire,
                                                           changements, message):
    client.force_login(animation)
    reponse = client.post(reverse("appels_projets:creer"), donnees_appel(**changements))
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "rien n'a été enregistré" in page
    assert message in page
    assert not AppelAProjets.objects.exists()
    assert not CritereAnalyse.objects.exists() and not PieceRequise.objects.exists() and not PieceJointeAppel.objects.exists()
    assert not fichiers()


def test_le_recapitulatif_des_erreurs_renvoie_vers_le_champ(client, animation):
    client.force_login(animation)
    page = texte(client.post(reverse("appels_projets:creer"), donnees_appel(date_limite_jour="2016-12-15", types=[],
                                                                            **{"criteres-2-poids": "15"})))
    assert 'href="#id_date_limite_jour"' in page
    assert 'href="#id_types"' in page and 'id="id_types"' in page  # le groupe de cases
    assert 'href="#criteres"' in page and 'id="criteres"' in page  # le tableau des critères


def test_une_modification_fautive_ne_change_rien(client, animation):
    appel = AppelFactory(titre="Portage de référents 2017")
    client.force_login(animation)
    donnees = donnees_appel(titre="Titre changé", **{
        "criteres-TOTAL_FORMS": "3", "criteres-INITIAL_FORMS": "3",
    })
    for rang, critere in enumerate(appel.criteres.all()):
        donnees |= {f"criteres-{rang}-id": critere.pk, f"criteres-{rang}-libelle": critere.libelle,
                    f"criteres-{rang}-poids": "30"}
    page = texte(client.post(reverse("appels_projets:modifier", args=[appel.pk]), donnees))
    assert "Les poids des critères font 90 au lieu de 100." in page
    appel.refresh_from_db()
    assert appel.titre == "Portage de référents 2017"
    assert sorted(appel.criteres.values_list("poids", flat=True)) == [25, 35, 40]


def test_publier_est_bloque_tant_que_les_poids_ne_font_pas_100(client, animation):
    appel = AppelFactory(criteres=[("Pertinence", 50), ("Qualité", 40)])
    client.force_login(animation)
    page = texte(client.get(appel.get_absolute_url()))
    assert 'aria-disabled="true"' in page and "Publier l'appel" in page
    assert "Les poids des critères d'analyse font 90 au lieu de 100." in page
    suite = texte(client.post(reverse("appels_projets:transition", args=[appel.pk, "publier"]), follow=True))
    assert "« Publier l'appel » est impossible pour l'instant : Les poids des critères d'analyse font 90 au lieu de 100." in suite
    appel.refresh_from_db()
    assert appel.etat == EtatAppel.BROUILLON
    appel.criteres.filter(libelle="Qualité").update(poids=50)
    suite = texte(client.post(reverse("appels_projets:transition", args=[appel.pk, "publier"]), follow=True))
    assert "est maintenant « Publié »" in suite
    assert "Publié" in suite and str(animation) in suite  # historique de l'appel


def test_un_appel_publie_n_est_plus_modifiable(client, animation):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    client.force_login(animation)
    reponse = client.get(reverse("appels_projets:modifier", args=[appel.pk]), follow=True)
    assert "Un appel à l'état « Publié » n'est plus modifiable." in texte(reponse)


# --- Le porteur voit les appels publiés et y répond ---

def test_le_porteur_voit_les_appels_publies_et_peut_repondre_aux_ouverts(client, porteur):
    ouvert = AppelFactory(etat=EtatAppel.PUBLIE, titre="Appel ouvert")
    brouillon = AppelFactory(titre="Appel en préparation")
    clos = AppelFactory(etat=EtatAppel.CLOS, titre="Appel clos", date_limite=timezone.now() - timedelta(days=1))
    client.force_login(porteur)
    page = texte(client.get(reverse("appels_projets:liste")))
    assert "Appel ouvert" in page and "Appel clos" in page and "Appel en préparation" not in page
    assert reverse("appels_projets:repondre", args=[ouvert.pk]) in page
    assert reverse("appels_projets:repondre", args=[clos.pk]) not in page
    assert 'aria-current="page">Appels à projets' in page
    assert client.get(brouillon.get_absolute_url()).status_code == 404


def test_le_porteur_cree_sa_reponse_avec_la_periode_de_l_appel(client, porteur, structure):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    client.force_login(porteur)
    formulaire = texte(client.get(reverse("appels_projets:repondre", args=[appel.pk])))
    assert 'value="2016-01-01"' in formulaire and 'value="2016-12-31"' in formulaire
    reponse = client.post(reverse("appels_projets:repondre", args=[appel.pk]), {
        "intitule": "Référent de parcours APSALC", "type": appel.types.get().pk,
        "date_debut": "2016-01-01", "date_fin": "2016-12-31", "description": "Accompagnement renforcé.",
    })
    creee = Reponse.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("appels_projets:reponse", args=[creee.pk])
    assert creee.appel == appel and creee.operation.porteur == structure and creee.operation.etat == Etat.BROUILLON
    page = texte(client.get(reponse["Location"]))
    assert "Vérifier et déposer la demande" in page and creee.operation.get_absolute_url() in page


def test_une_reponse_fautive_est_nommee_et_rien_n_est_cree(client, porteur):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    client.force_login(porteur)
    page = texte(client.post(reverse("appels_projets:repondre", args=[appel.pk]), {
        "intitule": "", "type": appel.types.get().pk, "date_debut": "2016-06-01", "date_fin": "2016-01-01",
    }))
    assert "Fin de réalisation : La fin de réalisation ne peut pas précéder son début." in page
    assert "Intitulé de l'opération : Ce champ est obligatoire." not in page  # un brouillon peut rester sans intitulé
    assert not Operation.objects.exists()


def test_une_reponse_vide_s_enregistre_en_brouillon_et_le_depot_dit_ce_qui_manque(client, porteur):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    client.force_login(porteur)
    client.post(reverse("appels_projets:repondre", args=[appel.pk]),
                {"intitule": "", "type": "", "date_debut": "", "date_fin": ""})
    brouillon = Operation.objects.get()
    assert brouillon.etat == "brouillon" and brouillon.programme == appel.programme
    page = texte(client.get(brouillon.get_absolute_url()))
    assert "(brouillon sans intitulé)" in page and "non choisi" in page
    for manque in ["L'intitulé de l'opération n'est pas renseigné.", "Le type d'opération n'est pas choisi.",
                   "Les dates de début et de fin de réalisation ne sont pas renseignées."]:
        assert manque in page
    suite = texte(client.post(reverse("operations:transition", args=[brouillon.code, "deposer"]), follow=True))
    assert "Le type d'opération n'est pas choisi." in suite
    brouillon.refresh_from_db()
    assert brouillon.etat == "brouillon"


def test_le_depot_avant_la_date_limite_produit_l_accuse_de_reception(client, porteur, structure,
                                                                        django_capture_on_commit_callbacks):
    reponse = ReponseFactory(operation__porteur=structure, pieces=True)
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        suite = client.post(reverse("operations:transition", args=[reponse.operation.code, "deposer"]), follow=True)
    assert "est maintenant « Déposée »" in texte(suite)
    reponse.refresh_from_db()
    assert reponse.deposee_le is not None
    page = texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    accuse = documents_de(reponse, "accuse_reception").get()
    assert accuse.nom in page
    fichier = client.get(reverse("appels_projets:document_reponse", args=[reponse.pk, accuse.pk]))
    assert fichier.status_code == 200 and b"".join(fichier.streaming_content).startswith(b"PK")


def test_apres_la_date_limite_repondre_et_deposer_sont_refuses_avec_la_raison(client, porteur, structure):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    brouillon = ReponseFactory(appel=appel, operation__porteur=structure)
    appel.date_limite = timezone.now() - timedelta(minutes=5)
    appel.save()
    echeance = timezone.localtime(appel.date_limite).strftime("%d/%m/%Y à %H:%M")
    client.force_login(porteur)
    suite = texte(client.get(reverse("appels_projets:repondre", args=[appel.pk]), follow=True))
    assert f"La date limite de dépôt de l'appel « {appel} » était le {echeance} : il n'est plus possible d'y répondre." in suite
    client.post(reverse("appels_projets:repondre", args=[appel.pk]), {
        "intitule": "Trop tard", "type": appel.types.get().pk, "date_debut": "2016-01-01", "date_fin": "2016-12-31",
    })
    assert Reponse.objects.count() == 1
    assert reverse("appels_projets:repondre", args=[appel.pk]) not in texte(client.get(appel.get_absolute_url()))
    suite = texte(client.post(reverse("operations:transition", args=[brouillon.operation.code, "deposer"]), follow=True))
    assert f"était le {echeance} : le dépôt n'est plus possible." in suite
    assert Operation.objects.get(pk=brouillon.operation.pk).etat == Etat.BROUILLON


# --- Pièces de la réponse ---

def deposer(client, reponse, contenu, nom="budget.pdf", piece=None):
    piece = piece or reponse.appel.pieces_requises.first()
    return client.post(reverse("appels_projets:deposer_piece", args=[reponse.pk]), {
        "piece_requise": piece.pk, "fichier": SimpleUploadedFile(nom, contenu, content_type="application/pdf"),
    }, follow=True)


def test_un_vrai_pdf_est_accepte_puis_telecharge_et_retire(client, porteur, structure):
    reponse = ReponseFactory(operation__porteur=structure)
    client.force_login(porteur)
    page = texte(deposer(client, reponse, pdf_reel(), "budget-2016.pdf"))
    assert "Budget prévisionnel signé : le fichier « budget-2016.pdf » est déposé." in page
    depot = reponse.pieces.get()
    assert (depot.type_mime, depot.taille, depot.deposee_par) == ("application/pdf", len(pdf_reel()), porteur)
    telechargement = client.get(reverse("appels_projets:piece", args=[reponse.pk, depot.pk]))
    assert 'attachment; filename="budget-2016.pdf"' == telechargement["Content-Disposition"]
    assert b"".join(telechargement.streaming_content) == pdf_reel()
    chemin = depot.fichier.name
    assert fichiers("reponses") == [chemin]
    page = texte(client.post(reverse("appels_projets:retirer_piece", args=[reponse.pk, depot.pk]), follow=True))
    assert "Le fichier « budget-2016.pdf » est retiré." in page
    assert not reponse.pieces.exists()
    assert not fichiers("reponses")  # retiré du stockage (disque ou bucket)


@pytest.mark.parametrize("contenu, nom, message", [
    (EXECUTABLE, "invoice.pdf", "Budget prévisionnel signé : La pièce « invoice.pdf » n'est ni un PDF, ni une image, "
                                "ni un document bureautique (son contenu a été vérifié, pas seulement son nom)."),
    (TROP_GROS, "scan.pdf", "Budget prévisionnel signé : La pièce « scan.pdf » pèse 11 Mo : le maximum est 10 Mo."),
], ids=["executable-renomme", "trop-gros"])
def test_un_fichier_refuse_n_est_pas_stocke(client, porteur, structure, fichiers_dans_un_dossier_temporaire,
                                            contenu, nom, message):
    reponse = ReponseFactory(operation__porteur=structure)
    client.force_login(porteur)
    page = texte(deposer(client, reponse, contenu, nom))
    assert message in page
    assert not PieceDeposee.objects.exists()
    assert not fichiers("reponses")


def test_le_porteur_b_ne_telecharge_pas_les_pieces_de_a(client, porteur_autre, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    depot = reponse.pieces.first()
    client.force_login(porteur_autre)
    assert client.get(reverse("appels_projets:piece", args=[reponse.pk, depot.pk])).status_code == 404
    assert client.get(reverse("appels_projets:reponse", args=[reponse.pk])).status_code == 404
    # même par l'adresse de sa propre réponse : la pièce d'une autre réponse n'y est pas
    sienne = ReponseFactory(appel=reponse.appel, operation__porteur=porteur_autre.structure, operation__etat=Etat.DEPOSEE)
    assert client.get(reverse("appels_projets:piece", args=[sienne.pk, depot.pk])).status_code == 404


def test_les_pieces_ne_se_changent_plus_apres_le_depot(client, porteur, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    depot = reponse.pieces.first()
    client.force_login(porteur)
    page = texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert 'type="file"' not in page and "Retirer" not in page
    assert "ne se modifient plus" in texte(deposer(client, reponse, pdf_reel()))
    client.post(reverse("appels_projets:retirer_piece", args=[reponse.pk, depot.pk]))
    assert PieceDeposee.objects.filter(pk=depot.pk).exists()


# --- Recevabilité et compléments ---

def test_la_liste_de_recevabilite_dit_ce_qui_manque(client, porteur, animation, structure):
    appel = AppelFactory(etat=EtatAppel.PUBLIE, taux_fse_max=Decimal("40.00"))
    reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.DEPOSEE,
                             operation__date_fin=date(2017, 6, 30), pieces=False)
    statuts = appel.pieces_requises.get(libelle="Budget prévisionnel signé")
    PieceDeposee.objects.create(reponse=reponse, piece_requise=statuts, fichier="reponses/budget.pdf",
                                nom_original="budget.pdf", type_mime="application/pdf", taille=10)
    client.force_login(porteur)
    page = texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert "Points vérifiés à la recevabilité" in page
    lu = texte_brut(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert "✔ Conforme Pièce : Budget prévisionnel signé — déposée" in lu
    assert "✘ Non conforme Pièce : Statuts de la structure — manquante" in lu
    assert "du 01/01/2016 au 30/06/2017 ; l'appel admet du 01/01/2016 au 31/12/2016" in page
    assert "50,0\u00a0% pour un maximum de 40,0\u00a0%" in page
    assert "dépenses 18\u202f044,30\u00a0€, ressources 18\u202f044,30\u00a0€" in page
    client.force_login(animation)
    ecran = texte_brut(client.get(reverse("appels_projets:recevabilite", args=[reponse.pk])))
    assert "Points calculés d'après l'appel" in ecran and "Statuts de la structure — manquante" in ecran


def test_l_animation_note_une_verification_et_declare_la_recevabilite(client, animation, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    client.force_login(animation)
    adresse = reverse("appels_projets:recevabilite", args=[reponse.pk])
    page = texte(client.post(adresse, {"libelle": "", "conforme": ""}))
    assert "Point vérifié : Ce champ est obligatoire." in page and "Résultat : Ce champ est obligatoire." in page
    assert not VerificationRecevabilite.objects.exists()
    page = texte(client.post(adresse, {"libelle": "Attestation sur l'honneur signée", "conforme": "0",
                                       "commentaire": "Signature manquante"}, follow=True))
    verification = VerificationRecevabilite.objects.get()
    assert (verification.conforme, verification.par) == (False, animation)
    assert "Attestation sur l'honneur signée" in page and "Signature manquante" in page
    page = texte(client.post(adresse, {"transition": "declarer_irrecevable", "motivation": " "}, follow=True))
    assert "La motivation est obligatoire pour « Déclarer irrecevable »." in page
    client.post(adresse, {"transition": "declarer_recevable"})
    reponse.operation.refresh_from_db()
    assert reponse.operation.etat == Etat.RECEVABLE


def test_les_complements_demandes_puis_fournis_sont_gardes(client, animation, porteur, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    adresse = reverse("appels_projets:complements", args=[reponse.pk])
    limite = timezone.localdate() + timedelta(days=15)
    client.force_login(animation)
    page = texte(client.post(adresse, {"action": "demander", "objet": "Statuts", "date_limite": "2016-01-01"}))
    assert "À fournir avant le : La date limite des compléments (01/01/2016) est passée." in page
    assert not DemandeComplements.objects.exists()
    client.post(adresse, {"action": "demander", "objet": "Joindre les statuts signés.", "date_limite": limite.isoformat()})
    reponse.operation.refresh_from_db()
    assert reponse.operation.etat == Etat.INCOMPLETE

    client.force_login(porteur)
    page = texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert "Joindre les statuts signés." in page and f"à fournir avant le {limite:%d/%m/%Y}" in page
    assert "Envoyer les compléments et redéposer la demande" in page
    page = texte(client.post(adresse, {"action": "fournir", "texte": " "}))
    assert "Compléments apportés : Décrivez les compléments apportés." in page
    suite = texte(client.post(adresse, {"action": "fournir", "texte": "Statuts déposés dans les pièces."}, follow=True))
    assert "est de nouveau « Déposée »" in suite
    reponse.operation.refresh_from_db()
    assert reponse.operation.etat == Etat.DEPOSEE
    demande = DemandeComplements.objects.get()
    assert (demande.objet, demande.reponse_porteur, demande.repondue_par) == (
        "Joindre les statuts signés.", "Statuts déposés dans les pièces.", porteur)
    client.force_login(animation)
    page = texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert "Joindre les statuts signés." in page and "Statuts déposés dans les pièces." in page
    assert "Incomplète" in page  # l'historique garde l'aller et le retour


# --- Analyse ---

def test_l_analyse_note_chaque_critere_et_calcule_la_note_ponderee(client, animation, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.RECEVABLE)
    client.force_login(animation)
    adresse = reverse("appels_projets:analyse", args=[reponse.pk])
    suite = client.post(adresse, {"transition": "instruire"}, follow=True)
    assert suite.redirect_chain[-1][0] == adresse
    assert 'aria-disabled="true"' in texte(suite) and "Aucune analyse n'a été saisie" in texte(suite)
    criteres = list(reponse.appel.criteres.all())  # 40, 35, 25
    donnees = {f"note_{c.pk}": note for c, note in zip(criteres, ["4", "3", "5"], strict=True)}
    donnees |= {f"commentaire_{criteres[0].pk}": "Diagnostic solide.", "avis": "favorable",
                "montant_fse_propose": "8 000,00", "commentaire": "Projet cohérent."}
    page = texte(client.post(adresse, donnees, follow=True))
    assert "Votre analyse est enregistrée : note pondérée 3,9 / 5." in page  # (4×40 + 3×35 + 5×25) / 100
    analyse = Analyse.objects.get()
    assert analyse.note_ponderee == Decimal("3.90") and analyse.montant_fse_propose == Decimal("8000.00")
    assert analyse.notes.get(critere=criteres[0]).commentaire == "Diagnostic solide."
    suite = texte(client.post(adresse, {"transition": "clore_instruction"}, follow=True))
    assert "est maintenant « Instruite »" in suite


def test_une_analyse_fautive_est_nommee_et_rien_n_est_ecrit(client, animation, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.EN_INSTRUCTION)
    criteres = list(reponse.appel.criteres.all())
    client.force_login(animation)
    donnees = {f"note_{criteres[0].pk}": "4", f"note_{criteres[1].pk}": "3", "avis": "favorable",
               "montant_fse_propose": "10 000,00"}
    page = texte(client.post(reverse("appels_projets:analyse", args=[reponse.pk]), donnees))
    assert "Montant FSE proposé (€) : Le montant FSE proposé (10\u202f000,00\u00a0€) dépasse le montant demandé " \
           "(9\u202f022,15\u00a0€)." in page
    assert f"Note : Notez le critère « {criteres[2].libelle} »." in page
    assert f'href="#id_note_{criteres[2].pk}"' in page
    assert not Analyse.objects.exists()


def test_le_rapport_d_instruction_n_est_pas_pour_le_porteur(client, animation, porteur, structure):
    analyse = AnalyseFactory(reponse__operation__porteur=structure, reponse__operation__etat=Etat.EN_INSTRUCTION,
                             analyste=animation)
    reponse = analyse.reponse
    client.force_login(animation)
    page = texte(client.post(reverse("appels_projets:analyse", args=[reponse.pk]), {"rapport": "1"}, follow=True))
    rapport = documents_de(reponse, "rapport_instruction").get()
    assert "Le rapport d'instruction « rapport-instruction-" in page and rapport.nom in page
    client.force_login(porteur)
    assert rapport.nom not in texte(client.get(reverse("appels_projets:reponse", args=[reponse.pk])))
    assert client.get(reverse("appels_projets:document_reponse", args=[reponse.pk, rapport.pk])).status_code == 404


def test_le_porteur_ne_voit_jamais_notes_avis_ni_montants_proposes(client, porteur, structure):
    analyse = AnalyseFactory(reponse__operation__porteur=structure, reponse__operation__etat=Etat.INSTRUITE,
                             notes=[5, 1, 2], montant_fse_propose=Decimal("7777.77"),
                             commentaire="Synthèse confidentielle de l'analyste.")
    reponse = analyse.reponse
    appel = reponse.appel
    appel.enveloppe_fse = Decimal("5000.00")  # un vote qui dépasse l'enveloppe : un porteur ne doit pas le lire
    appel.save()
    PointFactory(reponse=ReponseFactory(appel=appel, operation__etat=Etat.PROGRAMMEE), decision=Decision.PROGRAMMEE)
    client.force_login(porteur)
    for adresse in [reverse("appels_projets:reponse", args=[reponse.pk]), reponse.appel.get_absolute_url(),
                    reverse("appels_projets:export", args=[reponse.appel.pk])]:
        page = texte(client.get(adresse))
        for secret in ["7\u202f777,77", "Synthèse confidentielle", "Note /5", "FSE proposé", "Avis proposé", "Favorable",
                       "Voté", "dépasse l'enveloppe", "Décision du comité", "9\u202f022,15\u00a0€)"]:
            assert secret not in page, f"{adresse} montre « {secret} »"
    export = client.get(reverse("appels_projets:export", args=[reponse.appel.pk]),
                        {"_export": "csv", "colonnes": ["code", "note"]})
    assert export["Content-Type"].startswith("text/html")
    assert "Colonnes : Sélectionnez un choix valide." in texte(export)
    for ecran in ["recevabilite", "analyse"]:
        assert client.get(reverse(f"appels_projets:{ecran}", args=[reponse.pk])).status_code == 403
        assert client.post(reverse(f"appels_projets:{ecran}", args=[reponse.pk]), {"transition": "clore_instruction"}).status_code == 403


# --- Page de l'appel : pipeline et tableau ; export des réponses ---

def test_le_pipeline_compte_les_etats_et_signale_le_depassement_de_l_enveloppe(client, animation, structure, autre_structure):
    appel = AppelFactory(etat=EtatAppel.CLOS, enveloppe_fse=Decimal("15000.00"))
    ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    ReponseFactory(appel=appel, operation__porteur=structure)  # brouillon : invisible de l'animation
    AnalyseFactory(reponse__appel=appel, reponse__operation__porteur=autre_structure,
                   reponse__operation__etat=Etat.INSTRUITE, montant_fse_propose=Decimal("8000.00"))
    PointFactory(reponse=ReponseFactory(appel=appel, operation__porteur=autre_structure,
                                        operation__etat=Etat.PROGRAMMEE), decision=Decision.PROGRAMMEE,
                 montant_vote=Decimal("9022.15"))
    PointFactory(reponse=ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.PROGRAMMEE),
                 decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000.00"))
    client.force_login(animation)
    page = texte(client.get(appel.get_absolute_url()))
    etats = page[page.index('id="pipeline-etats"'):page.index('id="pipeline-montants"')]
    assert "Déposée" in etats and "Instruite" in etats and "Programmée" in etats and "Brouillon" not in etats
    assert "36\u202f088,60\u00a0€" in page  # 4 × 9 022,15 demandés hors brouillon
    assert 'data-test="propose">8\u202f000,00\u00a0€' in page
    assert 'data-test="vote">18\u202f022,15\u00a0€' in page
    assert 'data-test="reste">-3\u202f022,15\u00a0€' in page
    assert "dépasse l'enveloppe de l'appel (15\u202f000,00\u00a0€) de 3\u202f022,15\u00a0€" in page
    assert "Programmée (9\u202f022,15\u00a0€)" in page  # décision dans le tableau des réponses


def lire_csv(reponse):
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    return list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))


def test_l_export_garde_les_colonnes_choisies(client, animation, structure):
    analyse = AnalyseFactory(reponse__operation__porteur=structure, reponse__operation__etat=Etat.INSTRUITE,
                             notes=[4, 4, 4], montant_fse_propose=Decimal("8500.50"))
    appel = analyse.reponse.appel
    ReponseFactory(appel=appel, operation__porteur=structure)  # brouillon : pas exporté pour l'animation
    client.force_login(animation)
    formulaire = texte(client.get(reverse("appels_projets:export", args=[appel.pk])))
    assert 'name="colonnes" value="note"' in formulaire and 'name="_export" value="xlsx"' in formulaire
    reponse = client.get(reverse("appels_projets:export", args=[appel.pk]),
                         {"_export": "csv", "colonnes": ["code", "porteur", "deposee_le", "fse_demande", "fse_propose", "note"]})
    assert reponse["Content-Disposition"].startswith("attachment") and reponse["Content-Disposition"].endswith('.csv"')
    lignes = lire_csv(reponse)
    assert lignes[0] == ["Code", "Porteur", "Déposée le", "FSE demandé", "FSE proposé", "Note /5"]
    assert len(lignes) == 2
    code, porteur, deposee, fse, propose, note = lignes[1]
    assert (code, porteur, fse, propose, note) == (analyse.reponse.operation.code, "APSALC", "9022,15", "8500,50", "4,00")
    assert deposee == timezone.localtime(analyse.reponse.deposee_le).strftime("%d/%m/%Y %H:%M")
    xlsx = client.get(reverse("appels_projets:export", args=[appel.pk]),
                      {"_export": "xlsx", "colonnes": ["code", "fse_demande", "deposee_le", "taux_fse"]})
    feuille = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in feuille[1]] == ["Code", "Déposée le", "FSE demandé", "Taux FSE"]
    assert feuille["B2"].is_date and feuille["B2"].number_format == "dd/mm/yyyy hh:mm"
    assert Decimal(str(feuille["C2"].value)) == Decimal("9022.15") and "€" in feuille["C2"].number_format
    assert feuille["D2"].value == 0.5 and feuille["D2"].number_format == "0.00%"
    taux = lire_csv(client.get(reverse("appels_projets:export", args=[appel.pk]),
                               {"_export": "csv", "colonnes": ["code", "taux_fse"]}))
    assert taux[1][1] == "50,00\u00a0%"


def test_l_export_sans_colonne_est_refuse_avec_la_raison(client, animation):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    client.force_login(animation)
    page = texte(client.get(reverse("appels_projets:export", args=[appel.pk]), {"_export": "csv"}))
    assert "Colonnes : Cochez au moins une colonne." in page and 'href="#id_colonnes"' in page


def test_l_export_et_la_page_ne_montrent_que_le_perimetre(client, porteur_autre, structure, autre_structure):
    appel = AppelFactory(etat=EtatAppel.PUBLIE)
    de_a = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    de_b = ReponseFactory(appel=appel, operation__porteur=autre_structure, operation__etat=Etat.DEPOSEE)
    client.force_login(porteur_autre)
    lignes = lire_csv(client.get(reverse("appels_projets:export", args=[appel.pk]),
                                 {"_export": "csv", "colonnes": ["code", "intitule"]}))
    assert [ligne[0] for ligne in lignes[1:]] == [de_b.operation.code]
    page = texte(client.get(appel.get_absolute_url()))
    assert de_b.operation.code in page and de_a.operation.code not in page
    assert "Vos réponses par état" in page and 'id="pipeline-montants"' not in page


def test_la_fiche_de_l_operation_mene_a_sa_reponse_a_l_appel(client, porteur, porteur_autre, structure):
    reponse = ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE)
    client.force_login(porteur)
    page = client.get(reponse.operation.get_absolute_url()).content.decode()
    assert f'href="{reverse("appels_projets:reponse", args=[reponse.pk])}"' in page
    assert f"Réponse à l&#x27;appel « {reponse.appel} »" in page
