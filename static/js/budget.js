// Totaux du budget pendant la saisie (dépenses, ressources, écart, part et taux FSE) ; le serveur refait ce calcul
// à chaque enregistrement (operations/views/edition.py, totaux_du_budget), la page marche donc aussi sans ce script.
(function () {
  const encart = document.getElementById("totaux-budget");
  if (!encart) return;
  const formulaire = encart.closest("form");
  const fse = new Set((encart.dataset.financeursFse || "").split(",").filter(Boolean));
  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  const taux = new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const lire = (texte) => {
    const n = Number(String(texte).replace(/[\s\u00a0\u202f€]/g, "").replace(",", "."));
    return Number.isFinite(n) && n > 0 ? Math.round(n * 100) : 0;  // en centimes : pas d'erreur d'arrondi
  };
  const supprimee = (ligne) => {
    const boite = ligne.querySelector("input[type=checkbox][name$='-DELETE']");
    return boite !== null && boite.checked;
  };
  const afficher = (nom, texte) => {
    const case_ = encart.querySelector(`[data-total=${nom}]`);
    if (case_.textContent !== texte) case_.textContent = texte;  // rien ne bouge si rien ne change
  };

  function recalculer() {
    let depenses = 0, ressources = 0, partFse = 0;
    formulaire.querySelectorAll("[data-montant]").forEach((champ) => {
      const ligne = champ.closest("tr");
      if (supprimee(ligne)) return;
      const valeur = lire(champ.value);
      if (champ.dataset.montant === "depense") depenses += valeur;
      else {
        ressources += valeur;
        const financeur = ligne.querySelector("[data-financeur]");
        if (financeur && fse.has(financeur.value)) partFse += valeur;
      }
    });
    afficher("depenses", euros.format(depenses / 100));
    afficher("ressources", euros.format(ressources / 100));
    afficher("ecart", euros.format((ressources - depenses) / 100));
    afficher("fse", euros.format(partFse / 100));
    afficher("taux", depenses ? taux.format(partFse / depenses) : "—");
  }
  formulaire.addEventListener("input", recalculer);
  formulaire.addEventListener("change", recalculer);
  recalculer();
})();
