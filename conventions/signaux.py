"""Réactions de la convention au changement de programme de son opération (l'opération ne connaît pas ses
conventions) : refusé dès que le porteur a signé ; avant, le document de la convention se refait avec les mentions
du nouveau programme."""
from django.dispatch import receiver

from operations.models import Operation
from operations.signaux import programme_a_changer, programme_change

from .models import Convention
from .options import EtatSignature

# Signée par le porteur ou au-delà : le programme (ses mentions, sa base légale) est celui que le porteur a signé.
SIGNEE_OU_AU_DELA = [EtatSignature.SIGNEE_PORTEUR, EtatSignature.SIGNEE, EtatSignature.NOTIFIEE]
# Pas encore signée : le document se refait.
A_REFAIRE = [EtatSignature.GENEREE, EtatSignature.ENVOYEE]


@receiver(programme_a_changer, sender=Operation)
def refus_si_signee(sender, operation, **kwargs) -> str | None:
    convention = Convention.objects.filter(operation=operation, etat__in=SIGNEE_OU_AU_DELA).first()
    if convention is None:
        return None
    return (f"La convention n° {convention.numero} est à l'état « {convention.get_etat_display()} » : le programme d'une "
            "opération ne change plus une fois sa convention signée par le porteur.")


@receiver(programme_change, sender=Operation)
def refaire_la_convention(sender, operation, user=None, **kwargs):
    from .documents import convention_document

    convention = Convention.objects.filter(operation=operation, etat__in=A_REFAIRE).first()
    if convention is not None:
        convention_document(convention, user)
