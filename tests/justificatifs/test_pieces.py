"""Les pièces justificatives : contrôlées sur leur contenu (un exécutable nommé invoice.pdf est refusé), analysées par
l'antivirus s'il est configuré, servies par une vue qui vérifie les droits et trace chaque ouverture."""
import socket
import struct
import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justificatifs import pieces, services
from justificatifs.models import AccesPiece, PieceJustificative
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.appels_projets.factories import PDF
from tests.factories import OperationFactory
from tests.participants.test_realisation import participant

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(200)  # le début d'un exécutable Linux
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def bilan(structure, porteur):
    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION)
    return services.bilan_preparer(operation=action, user=porteur)


def deposer(bilan, porteur, nom="facture.pdf", contenu=PDF, **kwargs):
    kwargs.setdefault("depense", bilan.depenses.first())
    return pieces.piece_deposer(bilan=bilan, user=porteur, fichier=SimpleUploadedFile(nom, contenu),
                                nature=kwargs.pop("nature", "facture"), **kwargs)


def test_un_executable_nomme_invoice_pdf_est_refuse(bilan, porteur):
    with pytest.raises(ActionRefusee, match="« invoice.pdf » n'est ni un PDF, ni une image"):
        deposer(bilan, porteur, nom="invoice.pdf", contenu=ELF)
    assert not PieceJustificative.objects.exists()


# L'en-tête d'un fichier composé OLE (.doc, .xls) : signature, CLSID nul, version 3, ordre FFFE, secteurs de 512 octets.
DOC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00").ljust(1024, b"\x00")


def test_un_doc_est_reconnu_a_son_en_tete_pas_a_sa_seule_signature(bilan, porteur):
    assert deposer(bilan, porteur, nom="facture.doc", contenu=DOC).type_mime == "application/msword"
    with pytest.raises(ActionRefusee, match="« faux.doc » n'est ni un PDF, ni une image"):
        deposer(bilan, porteur, nom="faux.doc", contenu=DOC[:8] + bytes(2000))
    assert PieceJustificative.objects.count() == 1


def test_la_piece_deposee_garde_son_empreinte_et_s_ouvre_avec_trace(bilan, porteur, gestionnaire, client):
    piece = deposer(bilan, porteur, nom="Facture Dupont mars.pdf")
    assert (piece.type_mime, piece.taille, len(piece.empreinte)) == ("application/pdf", len(PDF), 64)
    assert "Dupont" not in piece.fichier.name  # le nom stocké ne reprend pas celui du porteur
    client.force_login(gestionnaire)
    reponse = client.get(reverse("justificatifs:piece", args=[bilan.operation.code, bilan.rang, piece.pk]))
    assert b"".join(reponse.streaming_content) == PDF
    assert 'filename="Facture Dupont mars.pdf"' in reponse["Content-Disposition"]
    assert AccesPiece.objects.get().par == gestionnaire


def test_la_piece_d_un_autre_porteur_repond_404(bilan, porteur, porteur_autre, client):
    piece = deposer(bilan, porteur)
    client.force_login(porteur_autre)
    reponse = client.get(reverse("justificatifs:piece", args=[bilan.operation.code, bilan.rang, piece.pk]))
    assert reponse.status_code == 404 and PDF not in reponse.content
    assert not AccesPiece.objects.exists()


def test_la_preuve_d_une_sortie_positive(bilan, structure, porteur):
    from participants.models import Etape, TypeEtape

    sorti = participant(structure, date(2016, 1, 4), date(2016, 6, 30), "CDI")
    reste = participant(structure, date(2016, 1, 4))
    for p in (sorti, reste):  # rattachés à l'opération (portage ou action, selon son type)
        Etape.objects.create(participant=p, type=TypeEtape.objects.get(code="ACTION_PLIE"), date_debut=date(2016, 2, 1),
                             operation=bilan.operation)
    preuve = deposer(bilan, porteur, nom="contrat.pdf", nature="preuve_sortie", depense=None, participant=sorti)
    assert preuve.participant == sorti
    with pytest.raises(ActionRefusee, match="n'a pas de sortie positive dans la période du bilan"):
        deposer(bilan, porteur, nature="preuve_sortie", depense=None, participant=reste)
    with pytest.raises(ActionRefusee, match="seule une preuve de sortie positive se dépose"):
        deposer(bilan, porteur, nature="facture", depense=None, participant=sorti)


def test_un_bilan_depose_ne_change_plus_de_pieces(bilan, porteur):
    piece = deposer(bilan, porteur)
    type(bilan).objects.filter(pk=bilan.pk).update(etat="depose")
    bilan.refresh_from_db()
    with pytest.raises(ActionRefusee, match="ses pièces ne changent plus"):
        deposer(bilan, porteur)
    piece.refresh_from_db()
    with pytest.raises(ActionRefusee, match="ne se retirent plus"):
        pieces.piece_retirer(piece=piece, user=porteur)


class FauxClamd:
    """Un démon qui parle le protocole INSTREAM de ClamAV : « FOUND » pour la signature de test EICAR."""

    def __init__(self):
        self.serveur = socket.socket()
        self.serveur.bind(("127.0.0.1", 0))
        self.serveur.listen()
        self.adresse = f"tcp://127.0.0.1:{self.serveur.getsockname()[1]}"
        threading.Thread(target=self._servir, daemon=True).start()

    def _servir(self):
        while True:
            try:
                connexion, _ = self.serveur.accept()
            except OSError:
                return
            with connexion:
                commande = b""
                while not commande.endswith(b"\0"):
                    commande += connexion.recv(1)
                contenu = b""
                while True:
                    taille = struct.unpack("!L", self._lire(connexion, 4))[0]
                    if not taille:
                        break
                    contenu += self._lire(connexion, taille)
                verdict = b"stream: Eicar-Test-Signature FOUND" if EICAR in contenu else b"stream: OK"
                connexion.sendall(verdict + b"\0")

    @staticmethod
    def _lire(connexion, n):
        recu = b""
        while len(recu) < n:
            recu += connexion.recv(n - len(recu))
        return recu


def test_l_antivirus_refuse_un_fichier_infecte(bilan, porteur, settings):
    clamd = FauxClamd()
    settings.CLAMAV = clamd.adresse
    sain = deposer(bilan, porteur)
    assert sain.antivirus.startswith("ClamAV : sain, le ")
    with pytest.raises(ActionRefusee, match="l'antivirus y a trouvé « Eicar-Test-Signature »"):
        deposer(bilan, porteur, contenu=PDF + EICAR)
    clamd.serveur.close()
    settings.CLAMAV = "tcp://127.0.0.1:1"  # démon injoignable : on refuse plutôt que de garder un fichier non analysé
    with pytest.raises(ActionRefusee, match="n'a pas pu être analysé par l'antivirus \\(injoignable\\)"):
        deposer(bilan, porteur)
    assert PieceJustificative.objects.count() == 1
