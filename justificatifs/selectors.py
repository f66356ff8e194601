"""Lire les bilans : combien l'opération en doit, et leur partie quantitative, calculée depuis les participants.

La partie quantitative n'est jamais saisie : elle se recalcule à chaque lecture sur la période du bilan (objectifs et
réalisation cumulée à sa fin, participants accompagnés avec leurs indicateurs d'entrée et de sortie, heures de
présence émargées, étapes, sorties) ; elle suit donc toute correction des données des participants.
"""
from calendar import monthrange
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.roles import Role, roles_de
from operations.bureau import Rubrique, Tache
from operations.models import Operation
from operations.options import Etat
from participants.models import Presence
from participants.options import StatutPresence
from participants.realisation import ETATS_REALISES, etapes_de, population, realisation

from .models import EQUIPE_DU_PLIE, ETATS_MODIFIABLES, Bilan, EtatBilan, NatureBilan, voit_les_bilans
from .selectors_aides import rubriques_des_aides

MOIS_PAR_BILAN = 12


@dataclass(frozen=True)
class BilanPrevu:
    rang: int
    nature: str
    debut: date
    fin: date

    @property
    def titre(self) -> str:
        return "Bilan final" if self.nature == NatureBilan.FINAL else f"Bilan intermédiaire n° {self.rang}"


def _ajouter_mois(jour: date, mois: int) -> date:
    annee, rang = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return date(annee, rang + 1, min(jour.day, monthrange(annee, rang + 1)[1]))


def bilans_prevus(operation: Operation) -> list[BilanPrevu]:
    """Un bilan par tranche de 12 mois : jusqu'à 12 mois un bilan final, jusqu'à 24 un intermédiaire puis le final...

    Chaque bilan couvre sa tranche ; le dernier, final, va jusqu'à la fin de l'opération."""
    prevus, debut, rang = [], operation.date_debut, 1
    while True:
        suivant = _ajouter_mois(operation.date_debut, MOIS_PAR_BILAN * rang)
        if suivant > operation.date_fin:
            prevus.append(BilanPrevu(rang, NatureBilan.FINAL, debut, operation.date_fin))
            return prevus
        prevus.append(BilanPrevu(rang, NatureBilan.INTERMEDIAIRE, debut, suivant - timedelta(days=1)))
        debut, rang = suivant, rang + 1


def prochain_bilan(operation: Operation) -> BilanPrevu | None:
    faits = operation.bilans.count()
    prevus = bilans_prevus(operation)
    return prevus[faits] if faits < len(prevus) else None


def _age(naissance: date, jour: date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def _oui_non(valeur) -> str:
    return "" if valeur is None else ("oui" if valeur else "non")


def quantitatif(bilan: Bilan) -> dict:
    """Objectifs, participants (indicateurs d'entrée et de sortie), heures, étapes et sorties de la période."""
    operation, debut, fin = bilan.operation, bilan.debut, bilan.fin
    accompagnes = (population(operation).accompagnes(debut, fin)
                   .select_related("commune", "qpv", "motif_sortie").order_by("nom", "prenom", "pk"))
    heures = dict(Presence.objects.filter(seance__operation=operation, seance__date__range=(debut, fin),
                                          statut=StatutPresence.PRESENT)
                  .values_list("participant").annotate(h=Sum("seance__heures")))
    participants = []
    for p in accompagnes:
        sortie = p.date_sortie if p.date_sortie and p.date_sortie <= fin else None
        participants.append({
            "identifiant": p.identifiant, "nom": p.nom.upper(), "prenom": p.prenom, "sexe": p.sexe,
            "age": _age(p.date_naissance, p.date_entree), "date_entree": p.date_entree,
            "situation": p.get_situation_entree_display() if p.situation_entree else "",
            "niveau": p.niveau_formation.replace("ISCED_", "CITE ").replace("_", "-") if p.niveau_formation else "",
            "rsa": _oui_non(p.beneficiaire_rsa), "qpv": "oui" if p.qpv_id else "non",
            "date_sortie": sortie, "motif_sortie": str(p.motif_sortie) if sortie and p.motif_sortie else "",
            "sortie_positive": bool(sortie and p.motif_sortie and p.motif_sortie.positive),
            "heures": heures.get(p.pk, Decimal(0)),
        })
    sexes = Counter(p["sexe"] for p in participants)
    sorties = [p for p in participants if p["date_sortie"]]
    par_type = Counter(etapes_de(operation, debut, fin).values_list("type__libelle", flat=True))
    return {
        "objectifs": [{"indicateur": r.indicateur, "unite": r.unite, "cible": r.cible, "realise": r.realise,
                       "part": r.part} for r in realisation(operation, au=fin)],
        "participants": participants,
        "chiffres": {
            "accompagnes": len(participants), "hommes": sexes["H"], "femmes": sexes["F"],
            "entrees": sum(1 for p in participants if debut <= p["date_entree"] <= fin),
            "sorties": len(sorties), "positives": sum(1 for p in sorties if p["sortie_positive"]),
            "heures": sum((p["heures"] for p in participants), Decimal(0)),
            "etapes": sum(par_type.values()),
        },
        "etapes": [{"type": t, "nombre": n} for t, n in sorted(par_type.items(), key=lambda x: (-x[1], x[0]))],
        "sorties": [{"motif": m, "nombre": n} for m, n in
                    sorted(Counter(p["motif_sortie"] for p in sorties).items(), key=lambda x: (-x[1], x[0]))],
    }


def sorties_positives(bilan: Bilan) -> list:
    """Les participants de l'opération sortis positivement dans la période du bilan (ceux dont la preuve se contrôle)."""
    return list(population(bilan.operation).filter(date_sortie__range=(bilan.debut, bilan.fin))
                .exclude(motif_sortie__categorie="").select_related("motif_sortie").order_by("nom", "prenom", "pk"))


def financier(bilan: Bilan) -> dict:
    """Les dépenses réalisées face au prévu, par catégorie, et les ressources perçues ; écarts et taux de réalisation."""
    depenses = list(bilan.depenses.all())
    ressources = list(bilan.ressources.select_related("financeur"))
    total_prevu = sum((d.prevu for d in depenses), Decimal(0))
    total_realise = sum((d.realise or Decimal(0) for d in depenses), Decimal(0))
    categories = {}
    for d in depenses:
        ligne = categories.setdefault(d.categorie, {"categorie": d.get_categorie_display(), "prevu": Decimal(0),
                                                    "realise": Decimal(0)})
        ligne["prevu"] += d.prevu
        ligne["realise"] += d.realise or Decimal(0)
    return {
        "depenses": [{"categorie": d.get_categorie_display(), "libelle": d.libelle, "prevu": d.prevu,
                      "realise": d.realise, "ecart": (d.realise or Decimal(0)) - d.prevu} for d in depenses],
        "categories": list(categories.values()),
        "total_prevu": total_prevu, "total_realise": total_realise, "ecart": total_realise - total_prevu,
        "taux_realisation": (total_realise / total_prevu).quantize(Decimal("0.001")) if total_prevu else None,
        "ressources": [{"financeur": str(r.financeur), "prevu": r.prevu, "recu": r.recu} for r in ressources],
        "total_ressources_prevues": sum((r.prevu for r in ressources), Decimal(0)),
        "total_ressources_recues": sum((r.recu or Decimal(0) for r in ressources), Decimal(0)),
    }


def liens_de_la_fiche(operation: Operation, user) -> list[tuple[str, str]]:
    """Sur la fiche d'une opération en réalisation ou après : ses bilans d'exécution."""
    liens = []
    if operation.etat in ETATS_REALISES and voit_les_bilans(operation, user):
        liens.append(("Bilans d'exécution", reverse("justificatifs:bilans", args=[operation.code])))
        if roles_de(user) & EQUIPE_DU_PLIE:
            liens.append(("Export « Ma Démarche FSE »", reverse("justificatifs:mdfse", args=[operation.code])))
    return liens


# --- Le bureau (operations.bureau) : bilans dus, à corriger, à contrôler, paiements et exports ---

# « Le bénéficiaire transmet le bilan final d'exécution de l'opération dans les six mois qui suivent la fin de la
# période de réalisation » (convention, article 2) ; le produit applique le même délai à chaque bilan intermédiaire.
MOIS_POUR_DEPOSER = 6


def echeance_du_bilan(fin: date) -> date:
    return _ajouter_mois(fin, MOIS_POUR_DEPOSER)


def bilans_dus(user, aujourdhui: date) -> list[Tache]:
    """Pour le porteur (ou l'animation, pour tout le PLIE) : chaque bilan dont la période est achevée et qui n'est pas
    déposé (à préparer, en saisie, à corriger), avec la date de la règle. Deux requêtes."""
    operations = Operation.objects.visible_to(user).filter(etat__in=ETATS_REALISES).exclude(etat=Etat.SOLDEE)
    if not roles_de(user) & EQUIPE_DU_PLIE:
        operations = operations.filter(porteur_id=user.structure_id)
    taches = []
    for o in operations.annotate(faits=Count("bilans")).only("code", "etat", "date_debut", "date_fin"):  # état lu à la construction
        prevus = bilans_prevus(o)
        if o.faits < len(prevus) and prevus[o.faits].fin < aujourdhui:
            b = prevus[o.faits]
            taches.append(Tache(f"{o.code} — {b.titre}", "Préparer le bilan", reverse("justificatifs:bilans", args=[o.code]),
                                echeance=echeance_du_bilan(b.fin), detail=f"période achevée le {b.fin:%d/%m/%Y}"))
    ouverts = (Bilan.objects.filter(operation__in=operations, etat__in=ETATS_MODIFIABLES)
               .filter(Q(fin__lt=aujourdhui) | Q(etat=EtatBilan.A_CORRIGER)).select_related("operation"))
    for b in ouverts:
        action = "Corriger et redéposer le bilan" if b.etat == EtatBilan.A_CORRIGER else "Compléter et déposer le bilan"
        taches.append(Tache(f"{b.operation.code} — {b.titre}", action, b.get_absolute_url(),
                            echeance=echeance_du_bilan(b.fin), detail=b.get_etat_display()))
    return taches


def _controle(b: Bilan) -> str:
    return reverse("justificatifs:controle", args=[b.operation.code, b.rang])


def rubriques_du_bureau(user, aujourdhui: date) -> list:
    roles, rubriques = roles_de(user), []
    if roles & {Role.PORTEUR, Role.ANIMATION}:
        rubriques.append(Rubrique("Bilans dus", bilans_dus(user, aujourdhui), ordre=12,
                                  aide=f"Échéance : {MOIS_POUR_DEPOSER} mois après la fin de la période du bilan "
                                       "(article 2 de la convention)."))
    if roles & {Role.GESTIONNAIRE, Role.ANIMATION}:
        deposes = (Bilan.objects.visible_to(user).filter(etat=EtatBilan.DEPOSE).select_related("operation")
                   .annotate(depose_le=Subquery(StateLog.objects.filter(
                       content_type=ContentType.objects.get_for_model(Bilan), object_id=OuterRef("pk"),
                       state=EtatBilan.DEPOSE).order_by("-timestamp").values("timestamp")[:1])))
        rubriques.append(Rubrique("Bilans à contrôler", [
            Tache(f"{b.operation.code} — {b.titre}", "Contrôler le service fait", _controle(b),
                  depuis=timezone.localtime(b.depose_le).date() if b.depose_le else b.modifie_le.date())
            for b in deposes], ordre=10, aide="Les plus anciens dépôts d'abord."))
        a_payer = (Bilan.objects.visible_to(user).filter(csf__valide_le__isnull=False, etat=EtatBilan.CONTROLE)
                   .select_related("operation", "csf"))
        rubriques.append(Rubrique("Paiements dus", [
            Tache(f"{b.operation.code} — {b.titre}", "Enregistrer le paiement du solde", _controle(b) + "#montant-paye",
                  depuis=timezone.localtime(b.csf.valide_le).date()) if b.csf.paye_le is None else
            Tache(f"{b.operation.code} — {b.titre}", "Valider le bilan (solde payé)", b.get_absolute_url(),
                  depuis=b.csf.paye_le) for b in a_payer], ordre=11))
    if Role.GESTIONNAIRE in roles:
        debut_du_mois = aujourdhui.replace(day=1)
        fin_du_mois = date(aujourdhui.year, aujourdhui.month, monthrange(aujourdhui.year, aujourdhui.month)[1])
        a_rafraichir = (Operation.objects.visible_to(user).filter(etat=Etat.EN_REALISATION)
                        .annotate(dernier_export=Max("exports_mdfse__fait_le"))
                        .filter(Q(dernier_export__isnull=True) | Q(dernier_export__date__lt=debut_du_mois))
                        .order_by("code"))
        rubriques.append(Rubrique("Exports « Ma Démarche FSE » du mois", [
            Tache(f"{o.code} — {o.intitule}", "Rafraîchir l'export", reverse("justificatifs:mdfse", args=[o.code]),
                  echeance=fin_du_mois, detail=(f"dernier export le {timezone.localtime(o.dernier_export):%d/%m/%Y}"
                                                if o.dernier_export else "jamais exporté"))
            for o in a_rafraichir], ordre=70,
            aide="Chaque mois, l'export des opérations en réalisation est à refaire avant la fin du mois ; "
                 "une opération exportée ce mois-ci sort de la liste."))
    return rubriques + rubriques_des_aides(user, aujourdhui)
