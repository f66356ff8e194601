from django.urls import path

from . import views

app_name = "annuaire"
urlpatterns = [path("plie/choisir/", views.choisir_plie, name="choisir_plie")]
