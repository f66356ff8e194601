"""La liste des participants : recherche sans accents ni casse, tri par colonne, pagination.

Le nom cherché est une donnée personnelle : il ne passe jamais dans l'adresse (elle finirait dans les journaux du
serveur et l'historique du navigateur). Le formulaire l'envoie en POST ; il est gardé dans la session de l'utilisateur
et la page se recharge en GET (tri et pages n'y portent que des noms de colonnes et des numéros).
"""
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from annuaire.recherche import contient
from annuaire.roles import Role, a_role, roles_de
from annuaire.tri import Colonne, Tri

from .models import Participant
from .views import tracer_les_lectures

CLE_DE_SESSION = "recherche_participants"
CHAMPS_DE_RECHERCHE = ["nom", "prenom", "identifiant"]
# Ce que la page lit d'un participant et de ses liens : le reste de la fiche (trente-cinq colonnes, et celles de la
# commune et de la structure) n'est ni lu ni décodé pour 50 lignes. L'état d'entrée est lu à la construction de
# chaque participant (ConcurrentTransitionMixin) : différé, il coûterait une requête par ligne.
AFFICHES = ["nom", "prenom", "date_entree", "date_sortie", "structure_referent_texte", "statut_entree",
            "commune__nom", "structure_referent__nom", "structure_referent__sigle"]
COLONNES = [
    Colonne("nom", "Participant", ("nom", "prenom")),
    Colonne("commune", "Commune", ("commune__nom",)),
    Colonne("structure", "Structure du référent", ("structure_referent__nom", "structure_referent_texte")),
    Colonne("entree", "Entrée", ("date_entree",)),
    Colonne("sortie", "Sortie", ("date_sortie",)),
]


def liste(request):
    if not roles_de(request.user) & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR, Role.REFERENT, Role.PORTEUR}:
        raise PermissionDenied("Les participants sont visibles des équipes du PLIE et des structures qui les suivent.")
    if request.method == "POST":
        if "effacer" in request.POST:
            request.session.pop(CLE_DE_SESSION, None)
        else:
            request.session[CLE_DE_SESSION] = {"q": (request.POST.get("q") or "").strip()[:100],
                                               "en_parcours": bool(request.POST.get("en_parcours"))}
        return redirect(request.get_full_path())
    criteres = request.session.get(CLE_DE_SESSION) or {"q": "", "en_parcours": False}
    participants = (Participant.objects.visible_to(request.user).select_related("commune", "structure_referent")
                    .only(*AFFICHES).filter(contient(CHAMPS_DE_RECHERCHE, criteres["q"])))
    if criteres["en_parcours"]:
        participants = participants.filter(date_sortie__isnull=True)
    tri = Tri(request, COLONNES, defaut="nom")
    page = tri.paginer(tri.ordonner(participants), 50)
    tracer_les_lectures(page, request.user)
    return render(request, "participants/liste.html", {
        "page": page, "recherche": criteres["q"], "en_parcours": criteres["en_parcours"], "tri": tri,
        "requete": tri.requete, "peut_orienter": a_role(request.user, Role.ANIMATION, Role.REFERENT)})
