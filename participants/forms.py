"""La fiche d'un participant telle qu'on la saisit (orientation, modification) : ses groupes de champs et leurs aides."""
from django import forms

from annuaire.normalisation import telephone
from annuaire.plies import des_plie, plies_de
from annuaire.roles import Role, a_role

from .models import Participant

CHAMPS_BOOLEENS = ("etudes_ou_formation", "beneficiaire_rsa", "menage_sans_emploi", "enfants_a_charge", "parent_isole",
                   "sans_domicile", "ressortissant_pays_tiers", "zone_rurale", "qualification_obtenue")
GROUPES = [
    ("Identité et parcours", ["nom", "prenom", "sexe", "date_naissance", "commune", "qpv", "prescripteur",
                              "structure_referent", "date_entree"]),
    ("Coordonnées", ["telephone", "courriel", "contact_nom", "contact_telephone", "contact_courriel"]),
    ("Questionnaire d'entrée FSE", ["situation_entree", "etudes_ou_formation", "niveau_formation", "beneficiaire_rsa",
                                    "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile",
                                    "ressortissant_pays_tiers", "zone_rurale"]),
    ("Données sensibles (la personne peut ne pas répondre)", ["rqth", "origine_etrangere", "minorite",
                                                              "autre_defavorise"]),
    ("Questionnaire de sortie", ["situation_sortie", "qualification_obtenue"]),
]
AIDES_DES_GROUPES = {
    "Coordonnées": "Au moins un téléphone ou un courriel, du participant ou d'un contact désigné : sans eux, la fiche "
                   "compte parmi les fiches sans contact (correction financière possible au contrôle final).",
    "Données sensibles (la personne peut ne pas répondre)": "« Ne souhaite pas répondre » est une réponse : la fiche "
                                                            "est complète, l'indicateur ne la compte pas.",
}


class OrientationForm(forms.ModelForm):
    """La fiche du participant : identité, coordonnées, questionnaires FSE (d'entrée ; de sortie une fois entré)."""

    class Meta:
        model = Participant
        fields = [champ for _, champs in GROUPES for champ in champs]
        widgets = {"date_naissance": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "date_entree": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "telephone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
                   "contact_telephone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}
        labels = {"date_entree": "Date d'entrée proposée", "structure_referent": "Structure du référent"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not a_role(user, Role.ANIMATION):
            del self.fields["structure_referent"]  # un référent oriente vers sa structure
        if self.instance.pk is None:  # une orientation n'a pas encore de sortie
            del self.fields["situation_sortie"], self.fields["qualification_obtenue"]
        # Communes, quartiers et structures : ceux du PLIE du participant (ou de qui oriente).
        plies = [self.instance.plie_id] if self.instance.pk else plies_de(user)
        for champ in ("commune", "qpv", "structure_referent"):
            if champ in self.fields:
                self.fields[champ].queryset = des_plie(self.fields[champ].queryset, plies)
        for champ in CHAMPS_BOOLEENS:
            if champ in self.fields:
                self.fields[champ].widget = forms.Select(choices=[("unknown", "Non renseigné"), ("true", "Oui"),
                                                                  ("false", "Non")])
        for champ in ("rqth", "origine_etrangere", "minorite", "autre_defavorise", "situation_sortie"):
            if champ in self.fields:
                self.fields[champ].choices = [("", "Non renseigné"), *self.fields[champ].choices[1:]]

    @property
    def groupes(self):
        return [(titre, AIDES_DES_GROUPES.get(titre, ""), [self[c] for c in champs if c in self.fields])
                for titre, champs in GROUPES if any(c in self.fields for c in champs)]

    def _telephone(self, champ: str) -> str:
        try:
            return telephone(self.cleaned_data.get(champ, ""))
        except ValueError as erreur:
            raise forms.ValidationError(str(erreur)) from None

    def clean_telephone(self):
        return self._telephone("telephone")

    def clean_contact_telephone(self):
        return self._telephone("contact_telephone")

    def clean(self):
        donnees = super().clean()
        naissance, entree = donnees.get("date_naissance"), donnees.get("date_entree")
        if naissance and entree and naissance >= entree:
            self.add_error("date_naissance", "La date de naissance doit précéder l'entrée.")
        return donnees
