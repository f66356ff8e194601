from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory

from annuaire.formats import lire_montant, montant, nombre

from .models import LigneDepense, LigneRessource, Objectif, Operation, TypeOperation
from .options import CategorieDepense
from .programmes import Programme


class MontantInput(forms.TextInput):
    """Affiche `18 044,30` et laisse le clavier numérique des mobiles."""

    def __init__(self, decimales=2, attrs=None):
        self.decimales = decimales
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return montant(value, self.decimales) if self.decimales else nombre(value)
        return super().format_value(value)


class MontantField(forms.DecimalField):
    """Accepte la saisie française (`18 044,30`, `18044,3`, `18 044,30 €`) ; toujours un Decimal."""

    def __init__(self, *, decimales=2, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", MontantInput(decimales))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un nombre, par exemple 18 044,30."

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return super().to_python(lire_montant(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def periode_verifiee(formulaire, donnees: dict) -> dict:
    """Le `clean()` des formulaires qui saisissent une période de réalisation (`date_debut`, `date_fin`)."""
    debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
    if debut and fin and fin < debut:
        formulaire.add_error("date_fin", "La fin de réalisation ne peut pas précéder son début.")
    return donnees


class OperationForm(forms.ModelForm):
    class Meta:
        model = Operation
        fields = ["intitule", "type", "date_debut", "date_fin", "description"]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput(), "description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "description": "Objectifs, public visé, déroulement, moyens humains.",
            "date_fin": "La période doit couvrir toute la réalisation de l'opération.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = TypeOperation.objects.filter(actif=True)
        self.fields["type"].empty_label = "Choisissez un type"
        # Tout s'enregistre en brouillon, même vide : le dépôt liste ce qui manque.
        for nom, champ in self.fields.items():
            champ.required = False
            if champ.help_text:
                champ.widget.attrs["aria-describedby"] = f"aide-{nom}"

    def clean(self):
        return periode_verifiee(self, super().clean())


class LigneDepenseForm(forms.ModelForm):
    montant = MontantField(label="Montant (€)", widget=MontantInput(attrs={"data-montant": "depense"}))

    class Meta:
        model = LigneDepense
        fields = ["categorie", "libelle", "montant"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", "Choisissez une catégorie"), *CategorieDepense.choices]


class LigneRessourceForm(forms.ModelForm):
    montant = MontantField(label="Montant (€)", widget=MontantInput(attrs={"data-montant": "ressource"}))

    class Meta:
        model = LigneRessource
        fields = ["financeur", "montant"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].empty_label = "Choisissez un financeur"
        self.fields["financeur"].widget.attrs["data-financeur"] = "1"


class ObjectifForm(forms.ModelForm):
    valeur_cible = MontantField(label="Valeur cible", decimales=0)

    class Meta:
        model = Objectif
        fields = ["indicateur", "valeur_cible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].empty_label = "Choisissez un indicateur"


def _formset(modele, formulaire, prefixe_libelle):
    classe = inlineformset_factory(Operation, modele, form=formulaire, extra=2, can_delete=True)
    classe.libelle = prefixe_libelle
    return classe


DepensesFormSet = _formset(LigneDepense, LigneDepenseForm, "Dépenses")
RessourcesFormSet = _formset(LigneRessource, LigneRessourceForm, "Ressources")
ObjectifsFormSet = _formset(Objectif, ObjectifForm, "Objectifs")


class TransitionForm(forms.Form):
    """Le seul formulaire des transitions, de toutes les machines à états : la motivation (exigée par le service quand
    la transition la demande, avec un message qui nomme l'action)."""

    motivation = forms.CharField(label="Motivation", required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class ProgrammeChoix(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.libelle} — {programme.intitule}"


class ChangerProgrammeForm(forms.Form):
    """L'équipe d'animation rattache l'opération à un autre programme (`operation_changer_programme`)."""

    programme = ProgrammeChoix(label="Nouveau programme", queryset=Programme.objects.none(), to_field_name="code",
                               empty_label="Choisissez un programme")
    motivation = forms.CharField(label="Motivation", widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="Pourquoi l'opération relève de ce programme : la motivation figure dans "
                                           "l'historique.")

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.exclude(pk=operation.programme_id)
        self.fields["motivation"].widget.attrs["aria-describedby"] = "aide-motivation"
