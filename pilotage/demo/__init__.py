"""Données de démonstration : le PLIE de l'agglomération dijonnaise d'après son rapport d'activité 2016.

Les données sont des fichiers (`donnees/*.yaml` : acteurs, appels, comités, opérations, parcours, conventions,
bilans, séances, participants), lus par de courts modules qui les écrivent en base par les services métier
(`operation_creer`, `operation_transition`, et pour les réponses aux appels `reponse_creer`, `piece_deposer`,
`analyse_enregistrer`, `decision_enregistrer`, `comite_valider_pv`...), tirés par le compte du bon rôle : chaque
opération a un historique réel, antidaté ensuite pour se lire comme une programmation de 2016-2017 (la démonstration
se place fin juin 2017). Modifier la démonstration, c'est modifier ces fichiers (voir docs/architecture.md).

Ce paquet n'expose que ce dont la commande `charger_demo` et les tests ont besoin.
"""
from .acteurs import MOT_DE_PASSE
from .chargement import DemoRefusee, charger_demo, deja_chargee
from .programmation import operations_de_demo, repartir
from .resume import URL, lignes_de_resume, resume

__all__ = [
    "MOT_DE_PASSE", "URL", "DemoRefusee", "charger_demo", "deja_chargee", "lignes_de_resume", "operations_de_demo",
    "repartir", "resume",
]
