"""L'administration de Django suit la même portée que les pages : un administrateur de PLIE n'y voit que son PLIE.

Seul le superutilisateur de l'installation voit tout. Appliqué à chaque modèle enregistré qui a un chemin vers son
PLIE (`chemin_plie`) : ses listes, ses fiches et les listes déroulantes de ses formulaires.
"""
from functools import partial

from .plies import chemin_plie, des_plie, plies_de


def _borne(queryset, request):
    if chemin_plie(queryset.model) is None or request.user.is_superuser:
        return queryset
    return des_plie(queryset, plies_de(request.user))


def _queryset_borne(origine, request):
    return _borne(origine(request), request)


def _choix_bornes(origine, db_field, request, **kwargs):
    champ = origine(db_field, request, **kwargs)
    if champ is not None and hasattr(champ, "queryset"):
        champ.queryset = _borne(champ.queryset, request)
    return champ


def borner_l_administration(site):
    for modele_admin in site._registry.values():
        modele_admin.get_queryset = partial(_queryset_borne, modele_admin.get_queryset)
        modele_admin.formfield_for_foreignkey = partial(_choix_bornes, modele_admin.formfield_for_foreignkey)
