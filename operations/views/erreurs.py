"""Le récapitulatif des erreurs d'un formulaire en tête de page, commun à toutes les pages qui en ont un."""


def resume_erreurs(formulaire, formsets) -> list[dict]:
    """Le récapitulatif en tête de page : chaque erreur, le champ (et la ligne) qu'elle concerne, un lien vers lui."""
    erreurs = []
    for champ, liste in formulaire.errors.items():
        libelle = formulaire.fields[champ].label if champ in formulaire.fields else "Demande"
        ancre = formulaire[champ].id_for_label if champ in formulaire.fields else ""
        erreurs += [{"libelle": libelle, "message": m, "ancre": ancre} for m in liste]
    for formset in formsets:
        erreurs += [{"libelle": formset.libelle, "message": m, "ancre": ""} for m in formset.non_form_errors()]
        for rang, form in enumerate(formset.forms, start=1):
            for champ, liste in form.errors.items():
                libelle = f"{formset.libelle}, ligne {rang}"
                if champ in form.fields:
                    libelle += f", {form.fields[champ].label.lower()}"
                ancre = form[champ].id_for_label if champ in form.fields else ""
                erreurs += [{"libelle": libelle, "message": m, "ancre": ancre} for m in liste]
    return erreurs
