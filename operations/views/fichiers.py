from django.http import FileResponse, Http404


def telecharger(fichier, nom: str, type_mime: str | None = None) -> FileResponse:
    """Un fichier stocké hors de la racine web (champ fichier ou chemin), servi en pièce jointe par une vue qui a
    vérifié les droits."""
    try:
        contenu = fichier.open("rb")  # FieldFile et Path s'ouvrent de la même façon
    except FileNotFoundError:  # la ligne existe mais le fichier a disparu du stockage
        raise Http404("Ce fichier n'est plus disponible.") from None
    return FileResponse(contenu, as_attachment=True, filename=nom, content_type=type_mime)
