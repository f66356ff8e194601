"""La boîte de recherche de l'en-tête : une opération, un participant, une convention, une structure, par code ou par
nom, dans ce que l'utilisateur peut voir (les `visible_to` de chaque app), sans accents ni casse (annuaire.recherche).

Le texte cherché peut être le nom d'une personne : il part en POST et la page de résultats est la réponse à ce POST,
jamais une adresse qui le contiendrait (les journaux du serveur, l'historique du navigateur). Les participants montrés
sont tracés comme sur leur liste.
"""
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from annuaire.models import Structure
from annuaire.recherche import contient
from annuaire.roles import Role, roles_de
from conventions.filters import CHAMPS_DE_RECHERCHE as CHAMPS_CONVENTION
from conventions.models import Convention
from operations.filters import CHAMPS_DE_RECHERCHE as CHAMPS_OPERATION
from operations.models import Operation
from participants.models import Participant
from participants.views import tracer_les_lectures
from participants.views_liste import CHAMPS_DE_RECHERCHE as CHAMPS_PARTICIPANT

PAR_GENRE = 10
EQUIPE_DU_PLIE = {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}


def structures_visibles(user):
    """L'équipe du PLIE voit l'annuaire de ses PLIE ; les autres, les porteurs des opérations qu'ils voient."""
    structures = Structure.objects.visible_to(user)  # celles des PLIE de l'utilisateur
    if roles_de(user) & EQUIPE_DU_PLIE:
        return structures
    return structures.filter(Q(operations__in=Operation.objects.visible_to(user)) | Q(pk=user.structure_id)).distinct()


def rechercher(*, user, texte: str) -> list[dict]:
    """Par genre, les premiers résultats et leur nombre ; deux requêtes par genre, quel que soit le volume."""
    genres = []

    def ajouter(titre, queryset, ligne):
        trouves = list(queryset[:PAR_GENRE])
        genres.append({"titre": titre, "total": queryset.count() if len(trouves) == PAR_GENRE else len(trouves),
                       "lignes": [ligne(o) for o in trouves], "objets": trouves})

    ajouter("Opérations", Operation.objects.visible_to(user).filter(contient(CHAMPS_OPERATION, texte))
            .select_related("porteur").order_by("-date_debut", "code"),
            lambda o: (f"{o.code} — {o.intitule}", o.porteur.nom, o.get_absolute_url()))
    ajouter("Participants", Participant.objects.visible_to(user).filter(contient(CHAMPS_PARTICIPANT, texte))
            .select_related("commune").order_by("nom", "prenom", "pk"),
            lambda p: (f"{p.nom} {p.prenom}", f"{p.identifiant} · {p.commune}", reverse("participants:fiche", args=[p.pk])))
    ajouter("Conventions", Convention.objects.visible_to(user).filter(contient(CHAMPS_CONVENTION, texte))
            .select_related("operation").order_by("-numero"),
            lambda c: (f"{c.numero} — {c.operation.code}", c.operation.intitule, c.get_absolute_url()))
    ajouter("Structures", structures_visibles(user).filter(contient(["nom", "sigle"], texte)).order_by("nom"),
            lambda s: (str(s), s.get_categorie_display(),
                       f"{reverse('operations:liste')}?porteur={s.pk}"))
    return [g for g in genres if g["lignes"]]


@require_http_methods(["GET", "POST"])
def recherche(request):
    texte = (request.POST.get("q") or "").strip()[:100] if request.method == "POST" else ""
    resultats = rechercher(user=request.user, texte=texte) if texte else []
    for genre in resultats:
        if genre["titre"] == "Participants":
            tracer_les_lectures(genre["objets"], request.user)
    return render(request, "pilotage/recherche.html", {"texte": texte, "resultats": resultats, "cherche": bool(texte)})
