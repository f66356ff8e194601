"""Données de démonstration : le PLIE de l'agglomération dijonnaise d'après son rapport d'activité 2016.

Structures, comptes (mot de passe « demo »), appels à projets 2016 et 2017, opérations et comités. Tout
passe par les services métier (`operation_creer`, `operation_transition`, et pour les réponses aux appels
`reponse_creer`, `piece_deposer`, `analyse_enregistrer`, `decision_enregistrer`, `comite_valider_pv`...),
tirés par le compte du bon rôle : chaque opération a un historique réel, antidaté ensuite pour se lire comme
une programmation de 2016-2017 (la démonstration se place fin juin 2017).

Les données (`donnees`) restent séparées de ce qui les écrit en base (`chargement`) : un nouveau pan de la
démonstration ajoute son module de données à côté, et son étape à `chargement`. Ce paquet n'expose que ce
dont la commande `charger_demo` et les tests ont besoin.
"""
from .chargement import URL, DemoRefusee, charger_demo, deja_chargee, lignes_de_resume, resume
from .donnees import operations_de_demo, repartir

__all__ = [
    "URL", "DemoRefusee", "charger_demo", "deja_chargee", "lignes_de_resume", "operations_de_demo", "repartir", "resume",
]
