"""Des entrées hostiles ou absurdes : octets au hasard, fichiers énormes, mauvais encodages, formules glissées dans
des cellules. Jamais d'erreur 500, jamais d'écriture partielle, un refus en français ; et ce qui ressort par un
export ne s'exécute pas dans un tableur (formules neutralisées)."""
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from annuaire.fichiers import TYPES_ACCEPTES
from justificatifs import services
from justificatifs.models import PieceJustificative
from operations.options import Etat
from participants.importation import ImportRefuse, analyser
from participants.models import Participant, Seance
from tests.factories import OperationFactory

PRUDENT = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FORMULES = ["=HYPERLINK(\"http://pirate.example\",\"Cliquez\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


@PRUDENT
@given(contenu=st.binary(max_size=4000), nom=st.sampled_from(["participants.csv", "participants.xlsx", "x"]))
def test_l_import_d_octets_au_hasard_est_refuse_sans_rien_ecrire(db, contenu, nom):
    try:
        analyser((nom, contenu))
    except ImportRefuse as refus:
        assert refus.erreurs and all(e.message for e in refus.erreurs)
    assert not Participant.objects.exists()


@pytest.mark.parametrize("encodage", ["latin-1", "utf-16", "cp1252"])
def test_un_autre_encodage_est_lu_ou_refuse_clairement(db, encodage):
    from tests.participants.test_import import ENTETE, LIGNE

    contenu = f"{ENTETE}\r\n{LIGNE}\r\n".encode(encodage)
    try:
        analyse = analyser(("participants.csv", contenu))
    except ImportRefuse as refus:
        assert any("encod" in e.message.lower() or "utf" in e.message.lower() for e in refus.erreurs), refus.erreurs
    else:  # lu : les accents sont justes
        assert "Éloïse" in str(analyse.participants)
    assert not Participant.objects.exists()


@pytest.fixture
def bilan(structure, porteur):
    return services.bilan_preparer(operation=OperationFactory(porteur=structure, etat=Etat.EN_REALISATION), user=porteur)


@PRUDENT
@given(contenu=st.binary(min_size=1, max_size=3000), nom=st.sampled_from(["invoice.pdf", "scan.png", "a.docx", "b"]))
def test_un_depot_au_hasard_par_les_pages_ne_donne_jamais_500(client, bilan, porteur, contenu, nom):
    client.force_login(porteur)
    adresse = reverse("justificatifs:deposer_piece", args=[bilan.operation.code, bilan.rang])
    reponse = client.post(adresse, {"rattachement": f"d-{bilan.depenses.first().pk}", "nature": "facture",
                                    "fichier": SimpleUploadedFile(nom, contenu)}, follow=True)
    assert reponse.status_code == 200
    deposees = PieceJustificative.objects.filter(bilan=bilan)
    if deposees.exists():  # un vrai PDF, une vraie image ou un vrai document au hasard : accepté, reconnu au contenu
        assert deposees.get().type_mime in TYPES_ACCEPTES
        deposees.get().delete()
    else:
        assert "n'est ni un PDF, ni une image" in reponse.content.decode().replace("&#x27;", "'")


@PRUDENT
@given(contenu=st.binary(min_size=1, max_size=3000))
def test_un_import_au_hasard_par_la_page_ne_donne_jamais_500(client, animation, contenu):
    client.force_login(animation)
    reponse = client.post(reverse("participants:importer"),
                          {"participants": SimpleUploadedFile("participants.csv", contenu)})
    assert reponse.status_code == 200
    assert not Participant.objects.exists()


def test_un_fichier_enorme_est_refuse_avec_sa_taille(client, bilan, porteur):
    client.force_login(porteur)
    enorme = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + bytes(11 * 1024 * 1024))
    reponse = client.post(reverse("justificatifs:deposer_piece", args=[bilan.operation.code, bilan.rang]),
                          {"rattachement": f"d-{bilan.depenses.first().pk}", "nature": "facture", "fichier": enorme},
                          follow=True)
    assert "pèse 11 Mo : le maximum est 10 Mo" in reponse.content.decode()
    assert not PieceJustificative.objects.exists()
    seance = Seance.objects.create(operation=bilan.operation, date=date(2016, 3, 14), demi_journee="matin", heures=3,
                                   lieu="Salle", formateur="Mme Roux")
    client.post(reverse("participants:deposer_feuille", args=[bilan.operation.code, seance.pk]),
                {"feuille": SimpleUploadedFile("feuille.pdf", b"%PDF-1.4\n" + bytes(11 * 1024 * 1024))})
    seance.refresh_from_db()
    assert not seance.feuille_signee


@pytest.mark.parametrize("formule", FORMULES)
def test_une_formule_saisie_ressort_neutralisee_des_exports(client, animation, structure, formule):
    OperationFactory(porteur=structure, etat=Etat.DEPOSEE, intitule=formule)
    client.force_login(animation)
    texte = client.get(reverse("operations:liste"), {"_export": "csv"}).content.decode("utf-8-sig")
    assert f"'{formule}" in texte.replace('""', '"')
    classeur = load_workbook(io.BytesIO(client.get(reverse("operations:liste"), {"_export": "xlsx"}).content))
    cellules = [c for ligne in classeur.active.iter_rows(values_only=True) for c in ligne if isinstance(c, str)]
    assert f"'{formule}" in cellules and formule not in cellules
