"""La durée de conservation : les participants sortis avant une date perdent leur identité et leurs données
sensibles, les chiffres du rapport d'activité ne bougent pas."""
from datetime import date

from django.core.management import call_command

from participants.models import Consultation, MotifSortie, Participant
from participants.rapport import rapport_activite
from participants.services import commission_de_sortie, sortie_proposer

from .test_realisation import participant


def test_anonymiser_sans_changer_les_chiffres(structure, animation, capsys):
    ancien = participant(structure, date(2014, 3, 1))
    ancien.beneficiaire_rsa, ancien.date_naissance = True, date(1980, 7, 14)
    ancien.rqth, ancien.origine_etrangere, ancien.minorite, ancien.ressortissant_pays_tiers = "oui", "oui", "refus", True
    ancien.autre_defavorise, ancien.telephone, ancien.courriel = "oui", "06 12 34 56 78", "a@exemple.fr"
    ancien.contact_nom, ancien.contact_telephone, ancien.contact_courriel = "Sa sœur", "03 80 00 00 00", "s@exemple.fr"
    ancien.zone_rurale, ancien.situation_sortie = True, "EMPLOI"
    ancien.save()
    proposition = sortie_proposer(participant=ancien, motif=MotifSortie.objects.get(code="CDI"),
                                  date_sortie=date(2015, 6, 30), justification="Contrat chez M. Dupont", user=animation,
                                  motivation_derogation="Mme Test est embauchée par son oncle.")
    commission_de_sortie(decisions=[(proposition, "valider", "Accordée.")], user=animation)
    Consultation.objects.create(participant=ancien, par=animation)
    recent = participant(structure, date(2016, 3, 1), date(2016, 9, 30), "CDI")
    avant = rapport_activite(date(2015, 1, 1), date(2015, 12, 31))

    call_command("anonymiser_participants", "--sortis-avant", "2016-01-01")
    assert "1 participant(s) sorti(s) avant le 01/01/2016 seraient anonymisé(s)" in capsys.readouterr().out
    assert Participant.objects.get(pk=ancien.pk).nom == "Test"  # sans --confirmer : rien

    call_command("anonymiser_participants", "--sortis-avant", "2016-01-01", "--confirmer")
    ancien.refresh_from_db()
    assert (ancien.nom, ancien.prenom, ancien.beneficiaire_rsa, ancien.date_naissance) == ("Anonymisé", "", None, date(1980, 1, 1))
    # Coordonnées (les siennes, celles de son contact) et réponses sensibles effacées ; le reste du questionnaire gardé.
    assert (ancien.rqth, ancien.origine_etrangere, ancien.minorite, ancien.ressortissant_pays_tiers,
            ancien.autre_defavorise) == ("", "", "", None, "")
    assert (ancien.telephone, ancien.courriel, ancien.contact_nom, ancien.contact_telephone, ancien.contact_courriel) == (
        "", "", "", "", "")
    assert (ancien.zone_rurale, ancien.situation_sortie) == (True, "EMPLOI")
    assert not Consultation.objects.filter(participant=ancien).exists()
    proposition.refresh_from_db()
    assert (proposition.justification, proposition.motivation_derogation) == ("", "Anonymisé")
    assert proposition.derogation and proposition.preuve["critere"] == "CDI depuis au moins 6 mois dans l'entreprise"
    assert Participant.objects.get(pk=recent.pk).nom == "Test"
    assert rapport_activite(date(2015, 1, 1), date(2015, 12, 31)) == avant
