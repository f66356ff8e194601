"""Une population synthétique à grande échelle, écrite par COPY (PostgreSQL) : des participants et leurs étapes,
répartis sur 2014-2017, pour mesurer le rapport et l'import à la taille d'un réseau de PLIE.

Les valeurs sont tirées comme dans une vraie extraction (`Tirage`) : des noms et prénoms fréquents et beaucoup de
rares (des dizaines de milliers de noms distincts sur 100 000 personnes), des dates de naissance, d'entrée et de
sortie étalées sur des années, des communes et des prescripteurs tirés selon une loi de Zipf (la ville-centre et Pôle
emploi en tête, une longue traîne), des libellés écrits tantôt en capitales, tantôt non.

Un réseau de PLIE (`plies`) : le PLIE de l'installation est le n° 1, les autres reçoivent son territoire (mêmes noms de
communes et de quartiers, rangés chez eux) et leurs structures ; chaque participant est rangé dans un PLIE (le rang
modulo le nombre de PLIE), avec une commune, un quartier et une structure de son PLIE. Dès qu'il y a deux PLIE, toute
création doit dire le sien (la contrainte NOT NULL refuse l'oubli) : les COPY remplissent la colonne plie_id."""
import io
import random
from datetime import date, timedelta

from django.db import connection

from annuaire.models import Commune, OrganismePivot, Plie, Prescripteur, Qpv, Structure
from participants.models import MotifSortie, TypeEtape

DEBUT = date(2014, 1, 1)
NOMS = ("Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux "
        "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure "
        "André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément "
        "Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer "
        "Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard "
        "Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix "
        "Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte López Jean "
        "Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher "
        "Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard "
        "Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le Gall Collet Léger Bouvier Julien Prévost Millet "
        "Perrot Daniel Le Roux Cousin Germain Breton Besson Langlois Rémy Le Goff Pelletier Lévêque Perrier "
        "Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet "
        "Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da Silva Bouchet Gay Lemaître Bénard Marécha "
        "Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier "
        "Carlier Laporte Benali Haddad Diallo Traoré Nguyen Yilmaz Kaya Mendes Ferreira Pereira Costa").split()
PRENOMS = ("Marie Jean Pierre Michel André Philippe Nathalie Isabelle Sylvie Catherine Martine Christine Françoise "
           "Alain Patrick Nicolas Christophe Stéphane Sébastien Julien David Éric Frédéric Laurent Thomas Céline "
           "Sandrine Valérie Sophie Stéphanie Véronique Pascal Olivier Thierry Daniel Aurélie Émilie Julie Camille "
           "Léa Manon Chloé Emma Inès Sarah Laura Pauline Marine Mathilde Lucas Hugo Louis Nathan Enzo Léo Théo "
           "Mathis Tom Maxime Antoine Alexandre Kevin Anthony Jordan Romain Florian Mehdi Karim Mohamed Yanis Rayan "
           "Amine Bilal Sofiane Fatima Aïcha Nadia Samira Yasmine Leïla Mamadou Moussa Fatoumata Awa Aminata Élodie "
           "Audrey Jessica Mélanie Virginie Caroline Anne Hélène Agnès Brigitte Monique Josiane Gérard Bernard "
           "Jacques Claude René Serge Didier Bruno Franck Gilles Jérôme Cédric Ludovic Grégory Guillaume Benjamin "
           "Quentin Clément Adrien Loïc Dylan Océane Justine Anaïs Margaux Clara Lina Jade Louise").split()
SYLLABES = ("ba be bi bo bou ca ce che chi co cou da de di do dou fa fe fi fo ga ge gi go gui la le li lo lou ma me "
            "mi mo mou na ne ni no nou pa pe pi po pou ra re ri ro rou sa se si so sou ta te ti to tou va ve vi vo "
            "za ze bre cla dri fla gro pla tri vre").split()
FINALES = "t tte rd rt l lle n nne s ux ault ard ier on in et eau ot our and ez".split()


class Tirage:
    """Les colonnes d'une extraction, tirées comme dans la réalité (voir le module)."""

    def __init__(self, hasard: random.Random, plie: int | None = None):
        """`plie` : les communes et quartiers de ce PLIE (par défaut le premier, celui de l'installation)."""
        self.hasard = hasard
        plie = plie or premier_plie().pk
        self.communes = list(Commune.objects.filter(plie_id=plie).order_by("pk").values_list("pk", "nom"))
        self.qpv = list(Qpv.objects.filter(commune__plie_id=plie).order_by("pk").values_list("pk", "nom"))
        self.prescripteurs = list(Prescripteur.objects.values_list("pk", "code"))
        self.motifs = list(MotifSortie.objects.values_list("pk", "code"))
        self._zipf = {}

    def zipf(self, valeurs: list):
        """Une valeur de la liste, la première la plus fréquente (poids 1/rang)."""
        cle = id(valeurs)
        if cle not in self._zipf:
            self._zipf[cle] = [1 / rang for rang in range(1, len(valeurs) + 1)]
        return self.hasard.choices(valeurs, weights=self._zipf[cle])[0]

    def nom(self) -> str:
        if self.hasard.random() < 0.6:
            nom = self.zipf(NOMS)
        else:  # la longue traîne : un nom rare
            nom = "".join(self.hasard.choice(SYLLABES) for _ in range(self.hasard.randint(1, 3))).capitalize()
            nom += self.hasard.choice(FINALES)
            if self.hasard.random() < 0.08:
                nom += "-" + self.zipf(NOMS)
        return nom.upper() if self.hasard.random() < 0.3 else nom

    def prenom(self) -> str:
        prenom = self.zipf(PRENOMS)
        return f"{prenom}-{self.zipf(PRENOMS)}" if self.hasard.random() < 0.05 else prenom

    def jour(self, debut: date, jours: int) -> date:
        return debut + timedelta(days=self.hasard.randint(0, jours))

    def naissance(self, entree: date) -> date:
        return entree - timedelta(days=365 * self.hasard.randint(16, 63) + self.hasard.randint(0, 364))

    def commune(self) -> tuple[int, str]:
        pk, nom = self.zipf(self.communes)
        return pk, nom.upper() if self.hasard.random() < 0.3 else nom

    def quartier(self) -> tuple[int | None, str]:
        return self.hasard.choice(self.qpv) if self.qpv and self.hasard.random() < 0.2 else (None, "")

    def prescripteur(self) -> tuple[int, str]:
        return self.zipf(self.prescripteurs)

    def motif(self) -> tuple[int, str]:
        return self.zipf(self.motifs)


def premier_plie() -> Plie:
    """Le PLIE de l'installation (créé par les migrations), n° 1 du réseau."""
    return Plie.objects.order_by("pk").first()


def plies(nombre: int, pivot: str | None = None, dans_le_pivot: int = 0) -> list[Plie]:
    """Les `nombre` PLIE du réseau, le n° 1 d'abord (celui de l'installation) ; les autres reçoivent son territoire.
    `pivot` : un organisme pivot qui instruit les `dans_le_pivot` premiers."""
    premier = premier_plie()
    existants = {p.sigle: p for p in Plie.objects.all()}
    nouveaux = [Plie(nom=f"PLIE de banc n° {n}", sigle=f"PLIE-B{n:03d}", prefixe_operations=f"OPB{n:03d}")
                for n in range(2, nombre + 1) if f"PLIE-B{n:03d}" not in existants]
    Plie.objects.bulk_create(nouveaux)
    reseau = [premier, *Plie.objects.filter(sigle__startswith="PLIE-B").order_by("pk")][:nombre]
    communes = list(Commune.objects.filter(plie=premier).order_by("pk"))
    quartiers = list(Qpv.objects.filter(commune__plie=premier).select_related("commune").order_by("pk"))
    for plie in nouveaux:
        Commune.objects.bulk_create(Commune(plie=plie, nom=c.nom, code_insee=c.code_insee, cle=c.cle) for c in communes)
    copies = {(c.plie_id, c.cle): c.pk for c in Commune.objects.filter(plie__in=nouveaux)}
    Qpv.objects.bulk_create(Qpv(commune_id=copies[plie.pk, q.commune.cle], nom=q.nom, veille=q.veille, cle=q.cle)
                            for plie in nouveaux for q in quartiers)
    if pivot:
        organisme = OrganismePivot.objects.get_or_create(nom=pivot)[0]
        Plie.objects.filter(pk__in=[p.pk for p in reseau[:dans_le_pivot]]).update(pivot=organisme)
    return reseau


def structures(reseau: list[Plie], par_plie: int) -> dict[int, list[int]]:
    """`par_plie` structures porteuses dans chaque PLIE : leurs clés, par PLIE."""
    Structure.objects.bulk_create((Structure(plie=plie, nom=f"Structure de banc {n}", categorie="porteur")
                                   for plie in reseau for n in range(par_plie)), ignore_conflicts=True)
    rangees = {plie.pk: [] for plie in reseau}
    for pk, plie in Structure.objects.filter(plie__in=reseau, nom__startswith="Structure de banc ").order_by(
            "pk").values_list("pk", "plie_id"):
        rangees[plie].append(pk)
    return rangees


def _copier(table: str, colonnes: list[str], lignes):
    tampon = io.StringIO()
    for ligne in lignes:
        tampon.write("\t".join("\\N" if v is None else str(v) for v in ligne) + "\n")
    tampon.seek(0)
    with connection.cursor() as curseur, curseur.connection.cursor().copy(
            f"COPY {table} ({', '.join(colonnes)}) FROM STDIN") as copie:
        while bloc := tampon.read(1 << 20):
            copie.write(bloc)


def generer(participants: int, etapes: int, graine: int = 42, reseau: list[Plie] | None = None):
    """Les participants, rangés tour à tour dans chaque PLIE du réseau (par défaut le seul PLIE de l'installation),
    et leurs étapes."""
    hasard = random.Random(graine)
    reseau = reseau or [premier_plie()]
    tirages = [Tirage(hasard, plie.pk) for plie in reseau]
    types = list(TypeEtape.objects.values_list("pk", flat=True))
    rangees = structures(reseau, 20)

    def participant(rang):
        plie = reseau[rang % len(reseau)].pk
        tirage = tirages[rang % len(reseau)]
        entree = DEBUT + timedelta(days=hasard.randint(0, 1400))
        sortie = entree + timedelta(days=hasard.randint(30, 900)) if hasard.random() < 0.5 else None
        return (plie, f"BENCH-{rang:07d}", tirage.nom(), tirage.prenom(), hasard.choice("HF"), tirage.naissance(entree),
                tirage.commune()[0], tirage.quartier()[0], tirage.prescripteur()[0], "", hasard.choice(rangees[plie]), "",
                entree, sortie, tirage.motif()[0] if sortie else None, "DE", "", None, "", None, None, None,
                None, "2026-01-01 00:00:00+00", "2026-01-01 00:00:00+00", "entre", "", "", "", "", "", "", "", "", "",
                "")

    _copier("participants_participant", [
        "plie_id", "identifiant", "nom", "prenom", "sexe", "date_naissance", "commune_id", "qpv_id", "prescripteur_id",
        "referent_texte", "structure_referent_id", "structure_referent_texte", "date_entree", "date_sortie",
        "motif_sortie_id", "situation_entree", "niveau_formation", "beneficiaire_rsa", "rqth", "menage_sans_emploi",
        "enfants_a_charge", "parent_isole", "sans_domicile", "cree_le", "modifie_le", "statut_entree",
        "motif_refus_entree", "origine_etrangere", "minorite", "autre_defavorise", "situation_sortie", "telephone",
        "courriel", "contact_nom", "contact_telephone", "contact_courriel"],
        (participant(rang) for rang in range(participants)))
    premiers = list(connection.cursor().execute(
        "SELECT id, date_entree FROM participants_participant WHERE identifiant LIKE 'BENCH-%%'").fetchall())

    def etape(rang):
        pk, entree = premiers[rang % len(premiers)]
        debut = entree + timedelta(days=rang // len(premiers) * 37 + hasard.randint(0, 30))
        return (pk, hasard.choice(types), debut, debut + timedelta(days=hasard.randint(1, 200)), "", "", "",
                hasard.randint(7, 400))

    _copier("participants_etape", ["participant_id", "type_id", "date_debut", "date_fin", "employeur", "secteur",
                                   "contrat_clause", "heures"], (etape(rang) for rang in range(etapes)))
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE participants_participant; ANALYZE participants_etape;")
