from django.urls import path

from .views import appels, comites, reponses

app_name = "appels_projets"

urlpatterns = [
    # Appels (équipe d'animation ; lecture pour tous les rôles quand ils sont publiés)
    path("appels/", appels.liste, name="liste"),
    path("appels/nouveau/", appels.creer, name="creer"),
    path("appels/<int:pk>/", appels.appel, name="appel"),
    path("appels/<int:pk>/modifier/", appels.modifier, name="modifier"),
    path("appels/<int:pk>/transition/<str:nom>/", appels.transition, name="transition"),
    path("appels/<int:pk>/export/", appels.export, name="export"),
    path("appels/<int:pk>/pieces-jointes/<int:piece>/", appels.piece_jointe, name="piece_jointe"),
    path("appels/<int:pk>/repondre/", reponses.repondre, name="repondre"),
    # Réponses (le porteur ; l'animation pour la recevabilité et l'analyse)
    path("reponses/<int:pk>/", reponses.reponse, name="reponse"),
    path("reponses/<int:pk>/pieces/", reponses.deposer_piece, name="deposer_piece"),
    path("reponses/<int:pk>/pieces/<int:piece>/", reponses.piece, name="piece"),
    path("reponses/<int:pk>/pieces/<int:piece>/retirer/", reponses.retirer_piece, name="retirer_piece"),
    path("reponses/<int:pk>/recevabilite/", reponses.recevabilite, name="recevabilite"),
    path("reponses/<int:pk>/complements/", reponses.complements, name="complements"),
    path("reponses/<int:pk>/analyse/", reponses.analyse, name="analyse"),
    path("reponses/<int:pk>/documents/<int:document>/", reponses.document, name="document_reponse"),
    # Comités
    path("comites/", comites.liste, name="comites"),
    path("comites/nouveau/", comites.creer, name="creer_comite"),
    path("comites/<int:pk>/", comites.comite, name="comite"),
    path("comites/<int:pk>/ordre-du-jour/", comites.ordre_du_jour, name="ordre_du_jour"),
    path("comites/<int:pk>/decisions/", comites.decisions, name="decisions"),
    path("comites/<int:pk>/transition/<str:nom>/", comites.transition, name="transition_comite"),
    path("comites/<int:pk>/dossier/", comites.dossier, name="dossier_comite"),
    path("comites/<int:pk>/documents/<int:document>/", comites.document, name="document_comite"),
]
