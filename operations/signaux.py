"""Les signaux par lesquels l'opération prévient les apps de plus haut niveau sans les connaître (docs/architecture.md)."""
from django.dispatch import Signal

# Avant de changer le programme d'une opération : chaque récepteur rend None, ou la raison de refuser (une convention
# déjà signée, par exemple). Arguments : operation, programme (le nouveau).
programme_a_changer = Signal()
# Après le changement, dans la même transaction : les documents qui portent les mentions du programme se refont.
programme_change = Signal()
