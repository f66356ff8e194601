// Recalcule l'enveloppe de chaque appel pendant la saisie des décisions ; le serveur refait ce calcul à l'envoi.
(function () {
  const tableau = document.getElementById("tableau-decisions");
  if (!tableau) return;
  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  const lire = (texte) => {
    const n = Number(texte.replace(/[\s\u00a0\u202f€]/g, "").replace(",", "."));
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  const lignes = () => tableau.querySelectorAll("tr[data-point]");
  const programmee = (ligne) => ligne.querySelector("[data-role=decision]").value === "programmee";

  function recalculer() {
    const votes = {};
    lignes().forEach((ligne) => {
      const vote = programmee(ligne) ? lire(ligne.querySelector("[data-role=montant]").value) : 0;
      votes[ligne.dataset.appel] = (votes[ligne.dataset.appel] || 0) + vote;
    });
    const depassees = new Set();
    document.querySelectorAll("#enveloppes tr[data-appel]").forEach((ligne) => {
      const seance = votes[ligne.dataset.appel] || 0;
      const reste = Number(ligne.dataset.enveloppe) - Number(ligne.dataset.horsSeance) - seance;
      ligne.querySelector("[data-role=seance]").textContent = euros.format(seance);
      ligne.querySelector("[data-role=reste]").textContent = euros.format(reste) + (reste < 0 ? " (dépassement)" : "");
      ligne.classList.toggle("depassee", reste < 0);
      if (reste < 0) depassees.add(ligne.dataset.appel);
    });
    lignes().forEach((ligne) => {
      const boite = ligne.querySelector("[data-role=confirmation]");
      const cochee = boite.querySelector("input").checked;
      const erreur = boite.querySelector(".erreur-champ");
      boite.hidden = !cochee && !erreur && !(programmee(ligne) && depassees.has(ligne.dataset.appel));
    });
  }
  tableau.addEventListener("input", recalculer);
  tableau.addEventListener("change", recalculer);
  recalculer();  // une saisie faite avant le chargement du script (ou gardée par le navigateur) compte aussi
})();
