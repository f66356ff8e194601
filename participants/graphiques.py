"""Les graphiques du rapport d'activité (PNG, matplotlib sans écran), insérés dans le document Word."""
import io

import matplotlib

matplotlib.use("Agg")  # aucun affichage : le serveur et les workers n'ont pas d'écran
import matplotlib.pyplot as plt  # noqa: E402

BLEU = "#2b59c3"


def barres(titre: str, libelles: list[str], valeurs: list[float]) -> bytes:
    """Un diagramme en barres horizontales, la valeur écrite au bout de chaque barre (lisible en noir et blanc)."""
    hauteur = 0.45 * max(len(libelles), 3) + 1
    figure, axe = plt.subplots(figsize=(7, hauteur), dpi=150)
    positions = range(len(libelles))
    axe.barh(list(positions), valeurs, color=BLEU)
    axe.set_yticks(list(positions), libelles)
    axe.invert_yaxis()
    axe.set_title(titre, loc="left", fontsize=11)
    for position, valeur in zip(positions, valeurs):
        axe.text(valeur, position, f" {valeur:n}".replace(".", ","), va="center", fontsize=9)
    axe.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    sortie = io.BytesIO()
    figure.savefig(sortie, format="png")
    plt.close(figure)
    return sortie.getvalue()
