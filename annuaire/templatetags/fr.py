from django import template

from annuaire import formats

register = template.Library()
register.filter("euros", formats.euros)
register.filter("montant", formats.montant)
register.filter("nombre", formats.nombre)
register.filter("pourcentage", formats.pourcentage)
register.filter("pluriel", formats.pluriel)


@register.filter
def cle(dictionnaire, cle):
    return dictionnaire.get(cle)
