"""Les pages de la lettre mensuelle : l'archive, l'aperçu, l'éditorial, l'envoi, les documents, le lien public."""
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from operations.views.erreurs import resume_erreurs
from operations.views.fichiers import telecharger
from operations.workflow import ActionRefusee, historique

from .documents import lignes_mises_en_forme, objectifs_mis_en_forme
from .envoi import lettre_du_jeton
from .forms import EditorialForm, MoisForm, lire_mois
from .models import LettreMensuelle
from .options import EtatLettre
from .selectors import lettres_visibles, nombre_de_destinataires, peut_lire_les_lettres
from .services import lettre_envoyer, lettre_modifier_editorial, lettre_preparer, peut_gerer_la_lettre

TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def _lettre(request, mois: str) -> LettreMensuelle:
    if not peut_lire_les_lettres(request.user):
        raise PermissionDenied("Les lettres d'information sont lues par les équipes du PLIE et le comité.")
    try:
        debut = lire_mois(mois)
    except ValueError:
        raise Http404 from None
    lettres = lettres_visibles(request.user).select_related("document").filter(mois=debut)
    if (plie := request.GET.get("plie", "")).isdigit():  # un pivot en vue consolidée voit la lettre de chaque PLIE
        lettres = lettres.filter(plie_id=int(plie))
    lettre = lettres.order_by("plie__nom").first()
    if lettre is None:
        raise Http404
    return lettre


def _exiger_l_animation(request):
    if not peut_gerer_la_lettre(request.user):
        raise PermissionDenied("La lettre d'information est préparée et envoyée par l'équipe d'animation.")


def lettres(request):
    if not peut_lire_les_lettres(request.user):
        raise PermissionDenied("Les lettres d'information sont lues par les équipes du PLIE et le comité.")
    gerer = peut_gerer_la_lettre(request.user)
    return render(request, "pilotage/lettres.html", {
        "lettres": lettres_visibles(request.user).order_by("-mois"), "gerer": gerer,
        "formulaire": MoisForm(auto_id="preparer_%s") if gerer else None})


@require_POST
def preparer(request):
    """Prépare (ou actualise) la lettre d'un mois avec les données du jour."""
    _exiger_l_animation(request)
    formulaire = MoisForm(request.POST, auto_id="preparer_%s")
    if not formulaire.is_valid():
        return render(request, "pilotage/lettres.html", {
            "lettres": lettres_visibles(request.user).order_by("-mois"), "gerer": True, "formulaire": formulaire,
            "erreurs": resume_erreurs(formulaire, [])})
    try:
        lettre = lettre_preparer(mois=formulaire.cleaned_data["mois"], user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return redirect("pilotage:lettres")
    messages.success(request, f"La lettre de {lettre.titre_mois} est prête à relire." if not lettre.envoyee
                     else f"La lettre de {lettre.titre_mois} est déjà envoyée : la voici telle qu'elle est partie.")
    return redirect(lettre)


def lettre(request, mois: str):
    lettre = _lettre(request, mois)
    gerer = peut_gerer_la_lettre(request.user)
    return render(request, "pilotage/lettre.html", {
        "lettre": lettre, "gerer": gerer, "lignes": lignes_mises_en_forme(lettre.chiffres) if lettre.chiffres else [],
        "objectifs": objectifs_mis_en_forme(lettre.chiffres) if lettre.chiffres else [], "pdf": lettre.pdf,
        "historique": historique(lettre), "envois": lettre.envois.count() if gerer else None,
        "destinataires": nombre_de_destinataires(lettre.plie_id) if gerer and not lettre.envoyee else ""})


def editorial(request, mois: str):
    _exiger_l_animation(request)
    lettre = _lettre(request, mois)
    if lettre.envoyee:
        messages.error(request, f"La lettre de {lettre.titre_mois} est envoyée : son éditorial ne change plus.")
        return redirect(lettre)
    formulaire = EditorialForm(request.POST or None, instance=lettre)
    erreurs = []
    if request.method == "POST" and formulaire.is_valid():
        try:
            lettre_modifier_editorial(lettre=lettre, editorial=formulaire.cleaned_data["editorial"], user=request.user)
        except ActionRefusee as refus:
            erreurs = [{"libelle": "Éditorial", "message": str(refus), "ancre": "id_editorial"}]
        else:
            messages.success(request, "Éditorial enregistré : la lettre a été reconstruite avec les données du jour.")
            return redirect(lettre)
    return render(request, "pilotage/editorial.html", {"lettre": lettre, "formulaire": formulaire,
                                                       "erreurs": erreurs or resume_erreurs(formulaire, [])})


def envoyer(request, mois: str):
    """GET : la confirmation (le nombre de destinataires) ; POST : l'envoi, une seule fois."""
    _exiger_l_animation(request)
    lettre = _lettre(request, mois)
    if request.method != "POST":
        if lettre.envoyee:
            messages.error(request, f"La lettre de {lettre.titre_mois} a déjà été envoyée : elle ne part qu'une fois.")
            return redirect(lettre)
        return render(request, "pilotage/envoyer.html", {"lettre": lettre,
                                                         "destinataires": nombre_de_destinataires(lettre.plie_id)})
    try:
        lettre_envoyer(lettre=lettre, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"La lettre de {lettre.titre_mois} part vers {nombre_de_destinataires(lettre.plie_id)}.")
    return redirect(lettre)


def document(request, mois: str, format: str):
    lettre = _lettre(request, mois)
    fichier = lettre.pdf if format == "pdf" else lettre.document
    if fichier is None:
        raise Http404("Ce document n'est pas disponible.")
    return telecharger(fichier.fichier, fichier.nom, TYPES[format])


@login_not_required
def archive(request, jeton: str):
    """Le lien des courriels : sans compte (les financeurs n'en ont pas), il sert le document de cette seule lettre,
    une fois envoyée ; un jeton faux ou d'une lettre non envoyée ne mène à rien (404)."""
    pk = lettre_du_jeton(jeton)
    lettre = get_object_or_404(LettreMensuelle.objects.select_related("document"), pk=pk, etat=EtatLettre.ENVOYEE) \
        if isinstance(pk, int) else None
    if lettre is None or lettre.document is None:
        raise Http404
    fichier = lettre.pdf or lettre.document
    return telecharger(fichier.fichier, fichier.nom, TYPES["pdf" if fichier.nom.endswith(".pdf") else "docx"])
