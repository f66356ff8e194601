import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from annuaire.models import Structure
from annuaire.recherche import contient
from annuaire.roles import ROLES_DE_STRUCTURE, roles_de

from .models import Operation, TypeOperation
from .options import Etat
from .programmes import Programme

# Ce que la recherche lit d'une opération (sans accents ni casse : annuaire.recherche).
CHAMPS_DE_RECHERCHE = ["code", "intitule", "porteur__nom", "porteur__sigle"]


class ListeDeroulante(forms.Select):
    """Le même `<select>` que celui de Django, écrit en Python : le gabarit de Django rend un sous-gabarit par option
    (une centaine de porteurs à l'échelle d'un réseau, le sixième du temps de la liste des opérations). Comme lui, la
    première option dont la valeur est celle du champ est choisie ; chaque valeur et chaque libellé sont échappés."""

    def render(self, name, value, attrs=None, renderer=None):
        valeurs, choisie, options = self.format_value(value), False, []
        for valeur, libelle in self.choices:
            if isinstance(libelle, (list, tuple)):
                return super().render(name, value, attrs, renderer)  # des groupes d'options : le gabarit de Django
            valeur = "" if valeur is None else str(valeur)
            selection = not choisie and valeur in valeurs
            choisie = choisie or selection
            options.append(f'<option value="{conditional_escape(valeur)}"{" selected" if selection else ""}>'
                           f"{conditional_escape(libelle)}</option>")
        proprietes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{conditional_escape(name)}"{proprietes}>{"".join(options)}</select>')


class _OptionsEnUneLecture(django_filters.fields.ModelChoiceIterator):
    """Les options d'un modèle lues en une requête : celui de Django ouvre un curseur côté serveur (DECLARE, FETCH,
    CLOSE sur PostgreSQL), trois allers-retours pour une poignée de lignes."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for objet in self.queryset.all():
            yield self.choice(objet)


class _PorteursEnValeurs(django_filters.fields.ModelChoiceIterator):
    """Les options des porteurs lues en valeurs (clé, sigle, nom), sans construire une structure par option ; le
    libellé est celui de `Structure.__str__` (le sigle, sinon le nom)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, sigle, nom in self.queryset.values_list("pk", "sigle", "nom"):
            yield (pk, sigle or nom)


class _ChampModele(django_filters.fields.ModelChoiceField):
    iterator = _OptionsEnUneLecture


class _ChampPorteur(django_filters.fields.ModelChoiceField):
    iterator = _PorteursEnValeurs


class _FiltreModele(django_filters.ModelChoiceFilter):
    field_class = _ChampModele


class _FiltrePorteur(django_filters.ModelChoiceFilter):
    field_class = _ChampPorteur


class OperationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="rechercher", help_text="Code, intitulé ou porteur")
    etat = django_filters.ChoiceFilter(label="État", choices=Etat.choices, empty_label="Tous les états",
                                       widget=ListeDeroulante)
    type = _FiltreModele(label="Type", queryset=TypeOperation.objects.all(), empty_label="Tous les types",
                                            widget=ListeDeroulante)
    programme = _FiltreModele(label="Programme", queryset=Programme.objects.only("libelle"),
                              empty_label="Tous les programmes", widget=ListeDeroulante)
    porteur = _FiltrePorteur(label="Porteur", queryset=Structure.objects.none(), empty_label="Tous les porteurs",
                             widget=ListeDeroulante)
    annee = django_filters.NumberFilter(label="Année", method="filtrer_annee", min_value=2000, max_value=2100)

    class Meta:
        model = Operation
        fields = ["q", "etat", "type", "programme", "porteur", "annee"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles_de(user) & ROLES_DE_STRUCTURE and not roles_de(user) - ROLES_DE_STRUCTURE:
            del self.filters["porteur"]  # un porteur ne voit que sa structure : le filtre ne sert à rien
        else:
            # Une semi-jointure sur les seuls porteurs des opérations visibles (pas de DISTINCT sur toute la structure).
            self.filters["porteur"].queryset = Structure.objects.filter(
                pk__in=self.queryset.order_by().values("porteur_id"))

    def rechercher(self, queryset, name, value):
        return queryset.filter(contient(CHAMPS_DE_RECHERCHE, value))

    def filtrer_annee(self, queryset, name, value):
        """Une opération pluriannuelle apparaît pour chacune des années qu'elle couvre."""
        return queryset.filter(date_debut__year__lte=value, date_fin__year__gte=value)
