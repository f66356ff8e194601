from datetime import date
from decimal import Decimal

from django import forms
from django.forms import BaseFormSet, formset_factory

from operations.forms import (
    DateInput, LigneDepenseForm, LigneRessourceForm, MontantField, ObjectifForm, periode_verifiee,
)

from operations.programmes import options_de_couts

from .models import Convention


class GenerationForm(forms.ModelForm):
    """Les clauses que l'équipe d'animation choisit en générant la convention ; les options de coûts sont celles du
    programme de l'opération, et elles seules."""

    taux_avance = MontantField(label="Taux de l'avance (%)", decimales=0, max_value=Decimal("100"),
                               help_text="Part de l'aide versée à la signature, par exemple 30.")
    regime_couts = forms.ChoiceField(label="Option de coûts simplifiés")

    class Meta:
        model = Convention
        fields = ["taux_avance", "regime_couts", "extrapolation_autorisee"]

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("taux_avance", Decimal("30"))
        programme, options = operation.programme, options_de_couts(operation.programme)
        champ = self.fields["regime_couts"]
        champ.choices = [(o.code, f"{o.libelle} — {o.article}") for o in options]
        champ.initial = options[0].code if options else None
        champ.help_text = f"Les options du programme {programme.libelle}, dont relève l'opération."
        champ.error_messages["invalid_choice"] = (
            f"cette option n'est pas offerte par le programme {programme.libelle} : choisissez l'une de la liste.")

    def clean_taux_avance(self):
        return (self.cleaned_data["taux_avance"] / 100).quantize(Decimal("0.0001"))


class AvenantForm(forms.Form):
    motif = forms.CharField(label="Objet de l'avenant", widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Ce qui change et pourquoi : il figure à l'article 1 de l'avenant.")
    date_debut = forms.DateField(label="Début de réalisation", widget=DateInput())
    date_fin = forms.DateField(label="Fin de réalisation", widget=DateInput())

    def clean(self):
        return periode_verifiee(self, super().clean())


class _Lignes(BaseFormSet):
    """Les lignes proposées par l'avenant : une ligne cochée « supprimer » disparaît ; pas de doublon."""

    unique = None  # le champ qui ne peut apparaître qu'une fois (financeur, indicateur)

    def lignes(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def clean(self):
        if any(self.errors) or not self.unique:
            return
        vus = set()
        for ligne in self.lignes():
            valeur = ligne.get(self.unique)
            if valeur in vus:
                raise forms.ValidationError(f"« {valeur} » apparaît sur deux lignes : regroupez-les.")
            vus.add(valeur)


def _lignes(formulaire, libelle, unique=None):
    classe = formset_factory(formulaire, formset=_Lignes, extra=2, can_delete=True)
    classe.libelle, classe.unique = libelle, unique
    return classe


DepensesAvenant = _lignes(LigneDepenseForm, "Dépenses")
RessourcesAvenant = _lignes(LigneRessourceForm, "Ressources", unique="financeur")
ObjectifsAvenant = _lignes(ObjectifForm, "Objectifs", unique="indicateur")


def initial_depuis(donnees: dict) -> dict:
    """Les valeurs de départ des formulaires de l'avenant : la version courante de l'opération."""
    return {
        "formulaire": {"date_debut": date.fromisoformat(donnees["date_debut"]), "date_fin": date.fromisoformat(donnees["date_fin"])},
        "depenses": [{"categorie": d["categorie"], "libelle": d["libelle"], "montant": Decimal(d["montant"])}
                     for d in donnees["depenses"]],
        "ressources": [{"financeur": r["financeur"], "montant": Decimal(r["montant"])} for r in donnees["ressources"]],
        "objectifs": [{"indicateur": o["indicateur"], "valeur_cible": Decimal(o["valeur_cible"])} for o in donnees["objectifs"]],
    }


def donnees_proposees(formulaire: AvenantForm, depenses, ressources, objectifs) -> dict:
    """Les formulaires validés, sous la forme des versions (conventions.versions)."""
    return {
        "date_debut": formulaire.cleaned_data["date_debut"].isoformat(),
        "date_fin": formulaire.cleaned_data["date_fin"].isoformat(),
        "depenses": [{"categorie": d["categorie"], "libelle": d["libelle"], "montant": str(d["montant"])}
                     for d in depenses.lignes()],
        "ressources": [{"financeur": r["financeur"].pk, "financeur_nom": str(r["financeur"]), "est_fse": r["financeur"].est_fse,
                        "montant": str(r["montant"])} for r in ressources.lignes()],
        "objectifs": [{"indicateur": o["indicateur"].pk, "indicateur_libelle": o["indicateur"].libelle,
                       "unite": o["indicateur"].unite, "valeur_cible": str(o["valeur_cible"])} for o in objectifs.lignes()],
    }


class ExemplaireForm(forms.Form):
    fichier = forms.FileField(label="Exemplaire signé (PDF ou image scannée)")
