from django.urls import reverse


def avec_adresses(transitions, nom_url: str, *args, nom_dans_l_adresse: bool = True):
    """Chaque bouton de transition reçoit l'adresse où il poste, pour le gabarit commun `_transitions.html`."""
    for t in transitions:
        t.adresse = reverse(nom_url, args=[*args, t.nom] if nom_dans_l_adresse else list(args))
    return transitions
