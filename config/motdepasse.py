"""Mot de passe oublié : les vues de Django (`PasswordResetView`...), en français, limitées comme la connexion.

La page répond la même chose qu'un compte existe ou non (Django n'écrit qu'aux comptes actifs qui ont cette adresse).
Au-delà de `AXES_FAILURE_LIMIT` demandes pour une même adresse électronique ou depuis une même adresse IP pendant
`AXES_COOLOFF_TIME`, la demande est refusée (429) sans rien envoyer : on ne bombarde ni une boîte ni la liste des
comptes. Le compteur vit dans le cache de Django : sans `CACHES` partagé, chaque processus compte pour lui-même.
"""
import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render


def _cle(nature: str, valeur: str) -> str:
    # Une empreinte : ni l'adresse électronique ni l'IP n'apparaissent en clair dans le cache.
    return "reinitialisation:" + nature + ":" + hashlib.sha256(valeur.strip().lower().encode()).hexdigest()


def _compter(cle: str) -> int:
    delai = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if cache.add(cle, 1, delai):
        return 1
    try:
        return cache.incr(cle)
    except ValueError:  # expirée entre les deux appels
        cache.set(cle, 1, delai)
        return 1


class ReinitialisationDemandee(auth_views.PasswordResetView):
    template_name = "registration/reinitialisation_demande.html"
    email_template_name = "registration/reinitialisation_courriel.txt"
    subject_template_name = "registration/reinitialisation_objet.txt"

    def form_valid(self, form):
        adresse_ip = get_client_ip_address(self.request) or ""  # la même adresse que celle que compte django-axes
        comptes = [_compter(_cle("ip", adresse_ip)), _compter(_cle("courriel", form.cleaned_data["email"]))]
        if max(comptes) > settings.AXES_FAILURE_LIMIT:
            return render(self.request, "registration/reinitialisation_limitee.html", status=429)
        return super().form_valid(form)


class ReinitialisationEnvoyee(auth_views.PasswordResetDoneView):
    template_name = "registration/reinitialisation_envoyee.html"


class NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    template_name = "registration/reinitialisation_nouveau.html"


class ReinitialisationTerminee(auth_views.PasswordResetCompleteView):
    template_name = "registration/reinitialisation_terminee.html"
