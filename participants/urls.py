from django.urls import path

from . import views, views_clauses, views_commissions, views_liste, views_rapport, views_seances

app_name = "participants"

urlpatterns = [
    path("participants/", views_liste.liste, name="liste"),
    path("participants/<int:pk>/", views.fiche, name="fiche"),
    path("participants/<int:pk>/proposer-sortie/", views.proposer_sortie, name="proposer_sortie"),
    path("participants/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("participants/<int:pk>/etapes/", views.ajouter_etape, name="ajouter_etape"),
    path("participants/<int:pk>/etapes/<int:etape>/retirer/", views.supprimer_etape, name="supprimer_etape"),
    path("participants/commission-de-sortie/", views_commissions.commission, name="commission"),
    path("participants/orienter/", views.orienter, name="orienter"),
    path("participants/commission-d-entree/", views_commissions.commission_entree, name="commission_entree"),
    path("rapport-activite/", views_rapport.rapport, name="rapport"),
    path("operations/<str:code>/seances/", views_seances.seances, name="seances"),
    path("operations/<str:code>/seances/feuilles/", views_seances.feuilles, name="feuilles"),
    path("emargements/", views_seances.emargements, name="emargements"),
    path("operations/<str:code>/seances/<int:pk>/presences/", views_seances.grille, name="grille"),
    path("operations/<str:code>/seances/<int:pk>/feuille/", views_seances.deposer_feuille, name="deposer_feuille"),
    path("operations/<str:code>/seances/<int:pk>/feuille-signee/", views_seances.feuille, name="feuille"),
    path("participants/completude/", views.completude_page, name="completude"),
    path("participants/import/", views.importer_page, name="importer"),
    path("participants/import/confirmer/", views.confirmer, name="confirmer_import"),
    path("clauses/", views_clauses.heures, name="clauses"),
    path("clauses/import/", views_clauses.importer_page, name="importer_clauses"),
    path("clauses/import/confirmer/", views_clauses.confirmer, name="confirmer_import_clauses"),
]
