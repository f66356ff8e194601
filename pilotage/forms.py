from datetime import date

from django import forms

from annuaire.models import Structure

from .models import Destinataire, LettreMensuelle


def lire_mois(texte: str) -> date:
    """`2017-03` -> 1er mars 2017 ; ValueError avec un message français sinon."""
    try:
        annee, mois = (int(partie) for partie in str(texte).strip().split("-"))
        return date(annee, mois, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Mois invalide : « {texte} ». Écrivez l'année et le mois sous la forme AAAA-MM (2017-03).") from None


class MoisForm(forms.Form):
    mois = forms.CharField(label="Mois (AAAA-MM)", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_mois(self):
        try:
            return lire_mois(self.cleaned_data["mois"])
        except ValueError as erreur:
            raise forms.ValidationError(str(erreur)) from None


class EditorialForm(forms.ModelForm):
    class Meta:
        model = LettreMensuelle
        fields = ["editorial"]
        widgets = {"editorial": forms.Textarea(attrs={"rows": 8})}


class DestinataireForm(forms.ModelForm):
    class Meta:
        model = Destinataire
        fields = ["nom", "courriel", "categorie", "structure", "actif"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Les structures du PLIE du destinataire (celui de qui l'ajoute, posé par la vue).
        self.fields["structure"].queryset = Structure.objects.filter(plie_id=self.instance.plie_id).order_by("nom")


class ComptesForm(forms.Form):
    comptes = forms.MultipleChoiceField(label="Comptes à ajouter", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, proposables, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposables = {str(c.pk): c for c in proposables}
        self.fields["comptes"].choices = [(str(c.pk), f"{c} — {c.structure or 'sans structure'} ({c.email})")
                                          for c in proposables]

    def comptes_choisis(self):
        return [self.proposables[pk] for pk in self.cleaned_data["comptes"]]
