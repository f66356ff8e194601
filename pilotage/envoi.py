"""La distribution d'une lettre envoyée : un courriel par adresse active, une seule fois, même repris après une panne.

Chaque courriel part dans la transaction qui écrit sa ligne `EnvoiLettre` (unique par lettre et adresse) : un
envoi qui échoue annule sa ligne (il sera retenté), une adresse déjà servie n'est pas resservie, et deux workers
qui distribuent la même lettre ne servent pas deux fois la même adresse (le second bute sur la contrainte).
"""
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from operations.documents import document_pdf
from operations.pdf import ConversionImpossible, libreoffice

from .models import Destinataire, EnvoiLettre, LettreMensuelle

logger = logging.getLogger(__name__)

SEL_ARCHIVE = "pilotage.lettre.archive"


def jeton_d_archive(lettre: LettreMensuelle) -> str:
    """Le jeton signé du lien d'archive : il ne sert que cette lettre, et ne se devine pas sans la clé du site."""
    return signing.Signer(salt=SEL_ARCHIVE).sign(str(lettre.pk))


def lettre_du_jeton(jeton: str) -> int | None:
    try:
        return int(signing.Signer(salt=SEL_ARCHIVE).unsign(jeton))
    except (signing.BadSignature, ValueError):
        return None


def lien_d_archive(lettre: LettreMensuelle) -> str:
    return settings.URL_DU_SITE.rstrip("/") + reverse("pilotage:lettre_archive", args=[jeton_d_archive(lettre)])


def adresses_a_servir(plie_id: int) -> dict[str, Destinataire]:
    """Les destinataires actifs du PLIE, une fois par adresse (sans casse) : le premier nommé l'emporte. La lettre d'un
    PLIE ne part qu'à ses destinataires."""
    adresses = {}
    for destinataire in Destinataire.objects.filter(plie_id=plie_id, actif=True).order_by("pk"):
        adresses.setdefault(destinataire.courriel.lower(), destinataire)
    return adresses


def piece_jointe(lettre: LettreMensuelle):
    """Le PDF de la lettre (produit ici s'il manque, que LibreOffice est là et PDF_AUTOMATIQUE : idempotent), sinon
    le Word."""
    pdf = lettre.pdf
    if pdf is None and settings.PDF_AUTOMATIQUE and libreoffice() is not None:
        try:
            pdf = document_pdf(lettre.document)
        except ConversionImpossible as erreur:
            logger.warning("PDF de la lettre %s non produit : %s", lettre.pk, erreur)
    return pdf or lettre.document


def distribuer(lettre_id: int) -> int:
    """Envoie la lettre (déjà passée à l'état envoyée) à chaque adresse qui ne l'a pas reçue ; rend le nombre envoyé."""
    lettre = LettreMensuelle.objects.select_related("document").get(pk=lettre_id)
    if not lettre.envoyee:
        return 0
    document = piece_jointe(lettre)
    with document.fichier.open("rb") as fichier:
        contenu = fichier.read()
    deja = set(lettre.envois.values_list("courriel", flat=True))
    lien = lien_d_archive(lettre)
    envoyes = 0
    for adresse, destinataire in adresses_a_servir(lettre.plie_id).items():
        if adresse in deja:
            continue
        try:
            with transaction.atomic():
                EnvoiLettre.objects.create(lettre=lettre, courriel=adresse)
                courriel = EmailMessage(f"Lettre d'information du PLIE — {lettre.titre_mois}",
                                        _message(lettre, destinataire, lien), settings.DEFAULT_FROM_EMAIL, [adresse])
                courriel.attach(document.nom, contenu)
                courriel.send()  # une erreur (OSError) annule la ligne : l'adresse sera servie au nouvel essai
        except IntegrityError:
            continue  # servie entre-temps par un autre worker
        envoyes += 1
    logger.info("lettre %s : %d courriel(s)", lettre.pk, envoyes)
    return envoyes


def _message(lettre: LettreMensuelle, destinataire: Destinataire, lien: str) -> str:
    return (f"Bonjour,\n\nVoici la lettre d'information du PLIE de {lettre.titre_mois} : les chiffres du mois "
            f"comparés au même mois de l'année précédente et l'avancement des opérations.\n\n"
            f"La lettre est jointe à ce courriel ; elle reste consultable à cette adresse :\n{lien}\n\n"
            f"L'équipe d'animation du PLIE\n\n"
            f"Vous recevez cette lettre en tant que {destinataire.get_categorie_display().lower()} ; pour ne plus la "
            f"recevoir, répondez à ce courriel.")
