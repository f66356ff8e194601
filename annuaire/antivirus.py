"""L'analyse antivirale d'un fichier déposé par le démon ClamAV (protocole INSTREAM), là où il est configuré.

Sans `CLAMAV`, rien n'est analysé et `analyser` rend "" ; avec, un fichier infecté est refusé, et un démon injoignable
refuse aussi le dépôt (mieux vaut redéposer plus tard que garder un fichier non analysé).
"""
import socket
import struct
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

BLOC = 64 * 1024


def _connexion() -> socket.socket:
    adresse = urlparse(settings.CLAMAV)
    if adresse.scheme == "unix":
        connexion = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        cible = adresse.path
    else:
        connexion = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        cible = (adresse.hostname, adresse.port or 3310)
    connexion.settimeout(settings.CLAMAV_DELAI)
    connexion.connect(cible)
    return connexion


def analyser(contenu: bytes, *, libelle: str = "Le fichier") -> str:
    """Renvoie la trace de l'analyse (« ClamAV : sain, le 30/11/2026 à 10:02 ») ou lève ValidationError en français."""
    if not settings.CLAMAV:
        return ""
    try:
        with _connexion() as connexion:
            connexion.sendall(b"zINSTREAM\0")
            for debut in range(0, len(contenu), BLOC):
                morceau = contenu[debut:debut + BLOC]
                connexion.sendall(struct.pack("!L", len(morceau)) + morceau)
            connexion.sendall(struct.pack("!L", 0))
            reponse = b""
            while not reponse.endswith(b"\0"):
                recu = connexion.recv(4096)
                if not recu:
                    break
                reponse += recu
    except OSError:
        raise ValidationError(f"{libelle} n'a pas pu être analysé par l'antivirus (injoignable) : réessayez plus tard.") from None
    verdict = reponse.rstrip(b"\0").decode(errors="replace").removeprefix("stream: ").strip()
    if verdict.endswith("FOUND"):
        raise ValidationError(f"{libelle} est refusé : l'antivirus y a trouvé « {verdict.removesuffix('FOUND').strip()} ».")
    if verdict != "OK":
        raise ValidationError(f"{libelle} n'a pas pu être analysé par l'antivirus ({verdict[:100]}) : réessayez plus tard.")
    return f"ClamAV : sain, le {timezone.localtime():%d/%m/%Y à %H:%M}"
