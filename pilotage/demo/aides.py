"""Les aides de l'enveloppe souple de la démonstration : demandées par le référent du participant, décidées et payées
par l'équipe d'animation, par les vrais services (`justificatifs.services_aides`), puis leur historique antidaté.

Ce qu'elles sont : `donnees/aides.yaml`. Les aides 2016 sont chargées avant le bilan de l'enveloppe 2016 (le
chargement la laisse en réalisation jusque-là, `chargement._Vie.attend_les_aides`) : son bilan reprend ainsi chaque
aide payée avec sa facture, comme dans la vraie vie.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django_fsm_log.models import StateLog

from justificatifs.aides import Aide
from justificatifs.options import EtatAide, NatureAide
from justificatifs.services_aides import aide_accorder, aide_completer, aide_demander, aide_payer, aide_transition
from participants.models import Participant
from participants.options import StatutEntree

from .appels import piece_pdf
from .lecture import PARIS, lire

_A = lire("aides")
A16, A17 = _A[2016], _A[2017]


def _pdf(titre: str, aide_ou_texte, nom: str) -> ContentFile:
    lignes = [str(aide_ou_texte), "Pièce de démonstration : elle tient la place du justificatif."]
    return ContentFile(piece_pdf(titre, lignes), name=nom)


def _moment(jour: date, rang: int) -> datetime:
    return datetime.combine(jour, time(9 + rang % 8, (rang * 13) % 60), tzinfo=PARIS)


def _antidater(aide: Aide, moments: list[datetime]):
    """Chaque ligne d'historique de l'aide prend la date de son étape, dans l'ordre."""
    journal = StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Aide), object_id=aide.pk).order_by("pk")
    for pk, moment in zip(journal.values_list("pk", flat=True), moments):
        StateLog.objects.filter(pk=pk).update(timestamp=moment)
    Aide.objects.filter(pk=aide.pk).update(cree_le=moments[0], modifie_le=moments[-1])


def _candidats(debut: date, fin: date):
    """Les participants entrés, suivis par un référent, en parcours sur toute la période (tri fixe : rejouable)."""
    return (Participant.objects.filter(statut_entree=StatutEntree.ENTRE, referent__isnull=False, date_entree__lte=debut)
            .exclude(date_sortie__lt=fin).select_related("referent").order_by("identifiant"))


def _beneficiaires_2016() -> list[Participant]:
    candidats = _candidats(date(2016, 1, 1), date(2016, 12, 31))
    choisis = [*candidats.filter(sexe="F")[:A16["participants"]["F"]], *candidats.filter(sexe="H")[:A16["participants"]["H"]]]
    return sorted(choisis, key=lambda p: p.identifiant)


def _demandes_2016() -> list[dict]:
    """Les 56 demandes dans l'ordre : les payées, entre lesquelles s'intercalent les refusées à leur rang."""
    payees = [{"motif": g["motif"], "nature": g["nature"], "montant": Decimal(m), "etat": EtatAide.PAYEE}
              for g in A16["payees"] for m, n in g["montants"].items() for _ in range(n)]
    # Les natures alternent dans le fil de l'année (sinon toutes les gardes d'enfants tomberaient en janvier).
    payees = [payees[i] for i in sorted(range(len(payees)), key=lambda i: (i * 17) % len(payees))]
    demandes = list(payees)
    for r in sorted(A16["refusees"], key=lambda r: r["rang"]):
        demandes.insert(r["rang"], {"motif": r["motif"], "nature": r["nature"], "montant": Decimal(r["montant"]),
                                    "etat": EtatAide.REFUSEE, "motivation": r["motivation"]})
    return demandes


def _demander(participant, d: dict, le: date, demande: Decimal) -> Aide:
    nature = NatureAide(d["nature"])
    return aide_demander(user=participant.referent, participant=participant, le=le, donnees={
        "motif": d["motif"], "nature": d["nature"], "montant_demande": str(demande),
        "justification": A16["justifications"][d["nature"]]},
        devis=_pdf(f"Devis : {nature.label}", f"Montant : {demande} €", f"devis-{nature.value.lower()}.pdf"))


def _payer(aide: Aide, animation, le: date, montant: Decimal):
    nature = NatureAide(aide.nature)
    aide_payer(aide=aide, user=animation, montant=str(montant), le=le, beneficiaire=A16["beneficiaires"][aide.nature],
               facture=_pdf(f"Facture acquittée : {nature.label}", f"Montant : {montant} €",
                            f"facture-{nature.value.lower()}.pdf"))


def charger_aides_2016(animation) -> int:
    beneficiaires = _beneficiaires_2016()
    abaissees, complements = A16["abaissees"], A16["complements"]
    jour = A16["premiere_demande"]
    rang_paye = 0
    for rang, d in enumerate(_demandes_2016()):
        le = jour + timedelta(days=rang * A16["jours_entre_deux_demandes"])
        if d["etat"] == EtatAide.PAYEE:
            participant = beneficiaires[rang_paye % len(beneficiaires)]
            rang_paye += 1
        else:
            participant = beneficiaires[(rang * 7) % len(beneficiaires)]
        abaissee = d["etat"] == EtatAide.PAYEE and rang % abaissees["une_sur"] == abaissees["une_sur"] - 1
        demande = d["montant"] + (Decimal(abaissees["ecart"]) if abaissee else 0)
        aide = _demander(participant, d, le, demande)
        moments, decision = [], le + timedelta(days=A16["jours_avant_decision"])
        if rang in complements["rangs"]:
            aide_transition(aide=aide, nom="demander_complement", user=animation, motivation=complements["demande"])
            aide_completer(aide=aide, user=participant.referent, donnees={"motivation": complements["reponse"]})
            moments += [_moment(le + timedelta(days=1), rang), _moment(le + timedelta(days=3), rang)]
            decision += timedelta(days=3)
        if d["etat"] == EtatAide.REFUSEE:
            aide_transition(aide=aide, nom="refuser", user=animation, motivation=d["motivation"], le=decision)
            moments.append(_moment(decision, rang))
        else:
            aide_accorder(aide=aide, user=animation, montant=str(d["montant"]), le=decision,
                          motivation=abaissees["motivation"] if abaissee else "")
            paiement = decision + timedelta(days=A16["jours_avant_paiement"])
            _payer(aide, animation, paiement, d["montant"])
            moments += [_moment(decision, rang), _moment(paiement, rang)]
        _antidater(aide, [_moment(le, rang), *moments])
    return rang + 1


def charger_aides_2017(animation) -> int:
    """Des aides 2017 dans chaque état, pour des participants en parcours toute l'année."""
    candidats = list(_candidats(date(2017, 1, 1), date(2017, 12, 31))[:40:5])
    for rang, a in enumerate(A17["aides"]):
        participant, le = candidats[rang % len(candidats)], a["le"]
        demande = Decimal(a["montant"])
        aide = _demander(participant, a, le, demande)
        decision, moments = le + timedelta(days=5), [_moment(le, rang)]
        if a["etat"] in (EtatAide.ACCORDEE, EtatAide.PAYEE):
            accorde = Decimal(a.get("accorde", a["montant"]))
            aide_accorder(aide=aide, user=animation, montant=str(accorde), le=decision,
                          motivation=A16["abaissees"]["motivation"] if accorde < demande else "")
            moments.append(_moment(decision, rang))
            if a["etat"] == EtatAide.PAYEE:
                _payer(aide, animation, decision + timedelta(days=12), accorde)
                moments.append(_moment(decision + timedelta(days=12), rang))
        elif a["etat"] == EtatAide.REFUSEE:
            aide_transition(aide=aide, nom="refuser", user=animation, motivation=a["motivation"], le=decision)
            moments.append(_moment(decision, rang))
        elif a["etat"] == EtatAide.COMPLEMENT_DEMANDE:
            aide_transition(aide=aide, nom="demander_complement", user=animation, motivation=a["motivation"])
            moments.append(_moment(decision, rang))
        elif a["etat"] == EtatAide.ANNULEE:
            aide_transition(aide=aide, nom="annuler", user=participant.referent, motivation=a["motivation"])
            moments.append(_moment(decision, rang))
        _antidater(aide, moments)
    return len(A17["aides"])

