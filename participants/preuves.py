"""Ce qui prouve une sortie positive, figé sur la proposition de sortie : des données sans calcul ni base, lues par
le modèle (`PropositionSortie.preuve_lue`) et produites par les critères (`criteres.preuve_de_sortie`)."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class EtapeLue:
    """Ce que les critères lisent d'une étape (une Etape, ou une étape de test)."""

    type: str
    debut: date
    fin: date | None
    libelle: str = ""  # le libellé du type, pour l'affichage


@dataclass(frozen=True)
class Preuve:
    """Ce qui prouve (ou non) une sortie positive à sa date : le critère du motif, le jour où il est rempli et les
    étapes qui le remplissent ; s'il ne l'est pas, les étapes enregistrées de ses types. Figée sur la proposition de
    sortie au moment où elle est faite (`en_json`), pour que la commission voie ce que le référent a vu."""

    motif: str
    critere: str  # le libellé du critère
    au: date
    rempli_le: date | None
    etapes: tuple[EtapeLue, ...]
    commission: bool = False  # le critère demande en plus la validation au cas par cas de la commission

    @property
    def remplie(self) -> bool:
        return self.rempli_le is not None

    def en_json(self) -> dict:
        return {"motif": self.motif, "critere": self.critere, "au": self.au.isoformat(),
                "rempli_le": self.rempli_le.isoformat() if self.rempli_le else None, "commission": self.commission,
                "etapes": [{"type": e.type, "libelle": e.libelle, "debut": e.debut.isoformat(),
                            "fin": e.fin.isoformat() if e.fin else None} for e in self.etapes]}

    @classmethod
    def depuis_json(cls, d: dict) -> "Preuve":
        jour = lambda valeur: date.fromisoformat(valeur) if valeur else None  # noqa: E731
        return cls(d["motif"], d["critere"], jour(d["au"]), jour(d["rempli_le"]),
                   tuple(EtapeLue(e["type"], jour(e["debut"]), jour(e["fin"]), e["libelle"]) for e in d["etapes"]),
                   d.get("commission", False))
