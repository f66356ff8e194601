from django.urls import path

from . import views

app_name = "justificatifs"

urlpatterns = [
    path("bilans/", views.liste, name="liste"),
    path("operations/<str:code>/bilans/", views.bilans, name="bilans"),
    path("operations/<str:code>/bilans/preparer/", views.preparer, name="preparer"),
    path("operations/<str:code>/bilans/<int:rang>/", views.bilan, name="bilan"),
    path("operations/<str:code>/bilans/<int:rang>/document/", views.document, name="document"),
    path("operations/<str:code>/bilans/<int:rang>/<str:nom>/", views.transition, name="transition"),
]
