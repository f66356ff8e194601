"""Les feuilles d'émargement, ouvertes comme les lirait le porteur : publicité FSE, une ligne par inscrit, une case
par demi-journée, les heures qui s'additionnent, rien hors de la période demandée."""
import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from participants.emargement import (
    NON_INSCRIT, PAR_SEANCE, PAR_SEMAINE, AucuneSeance, Periode, archive_emargements, emargement_docx,
)
from tests.lecture_docx import lignes, texte, verifier_publicite

from .test_realisation import participant
from .test_seances import action, inscrire, planifier  # noqa: F401  (fixture)


def nomme(p, nom, prenom):
    p.nom, p.prenom = nom, prenom
    p.save()
    return p


@pytest.fixture
def semaine(action, structure, porteur):
    """Deux séances le lundi 14/03/2016, une le mardi, une le lundi suivant ; Bilal sort le 15/03."""
    anna = nomme(participant(structure, date(2016, 1, 4)), "Martin", "Anna")
    bilal = nomme(participant(structure, date(2016, 1, 4), date(2016, 3, 31), "CDI"), "Benali", "Bilal")
    chloe = nomme(participant(structure, date(2016, 1, 4)), "Chevalier", "Chloé")
    inscrire(action, anna, bilal, chloe)
    planifier(action, porteur, date(2016, 3, 14), [anna, bilal])
    planifier(action, porteur, date(2016, 3, 14), [anna, bilal, chloe], demi="apres_midi")
    planifier(action, porteur, date(2016, 3, 15), [chloe])
    planifier(action, porteur, date(2016, 3, 21), [anna])
    return anna, bilal, chloe


def ouvrir(contenu: bytes) -> Document:
    return Document(io.BytesIO(contenu))


def test_une_feuille_par_semaine_avec_ses_cases_et_ses_heures(action, semaine):
    docx = ouvrir(emargement_docx(action, Periode(date(2016, 3, 14), date(2016, 3, 20)), PAR_SEMAINE))
    verifier_publicite(docx, action.programme)
    corps = texte(docx)
    assert f"{action.code} — {action.intitule}" in corps
    assert "Semaine du lundi 14/03/2016 au dimanche 20/03/2016" in corps
    assert "21/03" not in corps  # la séance du lundi suivant est hors période
    [tableau] = docx.tables
    assert lignes(tableau) == [
        ["Nom", "Prénom", "lun. 14/03 matin (3,5 h)", "lun. 14/03 après-midi (3,5 h)", "mar. 15/03 matin (3,5 h)",
         "Heures"],
        ["1. BENALI", "Bilal", "", "", NON_INSCRIT, "7"],
        ["2. CHEVALIER", "Chloé", NON_INSCRIT, "", "", "7"],
        ["3. MARTIN", "Anna", "", "", NON_INSCRIT, "7"],
        ["Signature du formateur ou de la formatrice", "", "", "", "", ""],
        ["Total", "", "2 inscrit(s)", "3 inscrit(s)", "1 inscrit(s)", "21"],
    ]
    assert "Lieu : Salle A & B · Formateur ou formatrice : Mme Roux" in corps
    assert "Total des heures inscrites sur la période du 14/03/2016 au 20/03/2016 : 21 h" in corps


def test_une_feuille_par_seance_et_le_total_du_document(action, semaine):
    docx = ouvrir(emargement_docx(action, Periode(date(2016, 3, 1), date(2016, 3, 31)), PAR_SEANCE))
    assert len(docx.tables) == 4
    totaux = [lignes(t)[-1][-1] for t in docx.tables]
    assert totaux == ["7", "10,5", "3,5", "3,5"]
    corps = texte(docx)
    assert "Séance du lundi 14/03/2016, après-midi" in corps
    assert "Total des heures inscrites sur la période du 01/03/2016 au 31/03/2016 : 24,5 h" in corps


def test_un_participant_sorti_avant_la_seance_n_y_figure_pas(action, semaine, structure):
    anna, bilal, chloe = semaine
    # Bilal sort finalement le 14/03 : il n'a plus rien à signer le mardi, ni l'après-midi qui suit sa sortie.
    bilal.date_sortie = date(2016, 3, 13)
    bilal.save()
    docx = ouvrir(emargement_docx(action, Periode(date(2016, 3, 14), date(2016, 3, 20)), PAR_SEMAINE))
    noms = [ligne[0] for ligne in lignes(docx.tables[0])[1:-2]]
    assert noms == ["1. CHEVALIER", "2. MARTIN"]
    assert lignes(docx.tables[0])[-1][-1] == "14"


def test_sans_seance_dans_la_periode_un_refus_clair(action, semaine):
    with pytest.raises(AucuneSeance, match="n'a aucune séance du 01/01/2016 au 31/01/2016"):
        emargement_docx(action, Periode(date(2016, 1, 1), date(2016, 1, 31)))
    with pytest.raises(ValueError, match="La fin de la période .* précède son début"):
        Periode(date(2016, 3, 2), date(2016, 3, 1))


def test_l_archive_de_plusieurs_actions(action, semaine, structure):
    from tests.factories import OperationFactory

    vide = OperationFactory(porteur=structure)
    faits = []
    contenu, sans = archive_emargements([action, vide], Periode(date(2016, 3, 1), date(2016, 3, 31)), PAR_SEMAINE,
                                        apres_chaque=lambda: faits.append(1))
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    assert sorted(archive.namelist()) == sorted([f"emargement-{action.code.lower()}-20160301-20160331.docx",
                                                 "sans-seance.txt"])
    assert vide.code in archive.read("sans-seance.txt").decode()
    assert len(faits) == 2 and len(sans) == 1


def test_la_commande_ecrit_le_document(action, semaine, tmp_path):
    sortie = tmp_path / "feuilles.docx"
    call_command("emargement", action.code, "--du", "2016-03-14", "--au", "2016-03-20", "--par", "semaine",
                 "--sortie", str(sortie))
    assert len(Document(str(sortie)).tables) == 1
    with pytest.raises(CommandError, match="n'est pas une date AAAA-MM-JJ"):
        call_command("emargement", action.code, "--du", "14/03/2016", "--au", "2016-03-20", "--sortie", str(sortie))
    with pytest.raises(CommandError, match="Aucune opération XX-0000"):
        call_command("emargement", "XX-0000", "--du", "2016-03-14", "--au", "2016-03-20", "--sortie", str(sortie))


# --- Les pages : imprimer les feuilles d'une action ; celles de plusieurs en un traitement, livrées en ZIP ---

def test_la_page_imprime_les_feuilles_de_la_periode(action, semaine, porteur, client):
    from django.urls import reverse

    client.force_login(porteur)
    page = client.get(reverse("participants:seances", args=[action.code])).content.decode()
    assert "Imprimer les feuilles d'émargement" in page
    adresse = reverse("participants:feuilles", args=[action.code])
    reponse = client.get(adresse, {"du": "2016-03-14", "au": "2016-03-20", "par": "semaine", "format": "docx"})
    assert reponse["Content-Disposition"] == f'attachment; filename="emargement-{action.code.lower()}-20160314-20160320.docx"'
    assert len(ouvrir(reponse.content).tables) == 1
    # Une période à l'envers : un message qui nomme le champ, pas de document.
    refus = client.get(adresse, {"du": "2016-03-20", "au": "2016-03-14", "par": "semaine"}, follow=True)
    assert "Au : La fin de la période précède son début." in refus.content.decode()


def test_les_feuilles_de_plusieurs_actions_en_un_traitement(action, semaine, structure, porteur, client,
                                                           django_capture_on_commit_callbacks):
    from django.urls import reverse

    from operations.models import Traitement
    from participants import tasks

    client.force_login(porteur)
    adresse = reverse("participants:emargements")
    vide = client.post(adresse, {"du": "2016-03-01", "au": "2016-03-31", "par": "semaine"})
    assert "Actions : Ce champ est obligatoire." in vide.content.decode() and not Traitement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(adresse, {"du": "2016-03-01", "au": "2016-03-31", "par": "semaine", "actions": [action.pk]})
    traitement = Traitement.objects.get()
    assert reponse.url == traitement.get_absolute_url()
    etat = client.get(reverse("operations:etat_traitement", args=[traitement.pk])).json()
    assert (etat["etat"], etat["faits"], etat["total"]) == ("termine", 1, 1)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(etat["resultat"]).streaming_content)))
    assert archive.namelist() == [f"emargement-{action.code.lower()}-20160301-20160331.docx"]
    # Deux semaines de séances : deux feuilles.
    assert len(ouvrir(archive.read(archive.namelist()[0])).tables) == 2

    # Rejouée (message livré deux fois) : la même archive, un seul fichier.
    from tests.stockage import fichiers

    tasks.generer_emargements(str(traitement.pk), [action.pk], "2016-03-01", "2016-03-31", "semaine")
    traitement.refresh_from_db()
    assert fichiers(traitement.fichier.name.rsplit("/", 1)[0]) == [traitement.fichier.name]


def test_on_ne_lance_pas_les_feuilles_d_une_action_d_autrui(action, semaine, porteur_autre):
    from operations.models import Traitement
    from operations.workflow import ActionRefusee
    from participants.lots import emargements_lancer

    with pytest.raises(ActionRefusee, match="Seuls le porteur de l'opération"):
        emargements_lancer(user=porteur_autre, operations=[action], du=date(2016, 3, 1), au=date(2016, 3, 31), par="seance")
    assert not Traitement.objects.exists()


@pytest.mark.redis
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_prepare_l_archive(worker, action, semaine, porteur):
    from operations.models import Traitement
    from participants import tasks
    from participants.lots import emargements_lancer
    from tests.celery_reel import DELAI, EXECUTIONS, attendre, executions

    traitement = emargements_lancer(user=porteur, operations=[action], du=date(2016, 3, 1), au=date(2016, 3, 31),
                                    par="semaine")
    assert attendre(lambda: Traitement.objects.get(pk=traitement.pk).etat == Traitement.Etat.TERMINE, DELAI)
    traitement.refresh_from_db()
    with traitement.fichier.open("rb") as f:
        assert len(zipfile.ZipFile(f).namelist()) == 1
    assert [e[0] for e in executions(1)] == [tasks.generer_emargements.name] and EXECUTIONS[0][2] is False


@pytest.mark.libreoffice
def test_les_feuilles_en_pdf_la_ou_libreoffice_est_installe(action, semaine, porteur, client):
    from django.urls import reverse
    from pypdf import PdfReader

    client.force_login(porteur)
    reponse = client.get(reverse("participants:feuilles", args=[action.code]),
                         {"du": "2016-03-14", "au": "2016-03-20", "par": "seance", "format": "pdf"})
    assert reponse["Content-Type"] == "application/pdf" and reponse.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(reponse.content)).pages
    assert len(pages) == 3  # trois séances cette semaine, une feuille chacune
    premiere = pages[0].extract_text()
    assert "MARTIN" in premiere and "Séance du lundi 14/03/2016" in premiere
    # Une action de 2016 : le FSE et le programme opérationnel national 2014-2020, pas le FSE+ (issue 15).
    assert "Fonds social européen" in premiere and "« Emploi et Inclusion »" in premiere and "FSE+" not in premiere
