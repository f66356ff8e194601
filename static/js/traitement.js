// Fait avancer la barre d'un traitement (operations/traitement.html) en lisant son état chaque seconde.
(function () {
  "use strict";
  var bloc = document.getElementById("traitement");
  if (!bloc) { return; }
  var champ = function (role) { return bloc.querySelector("[data-role=" + role + "]"); };
  function afficher(t) {
    document.getElementById("avancement").value = t.pourcentage;
    document.getElementById("avancement").textContent = t.pourcentage + " %";
    champ("etat").textContent = t.libelle_etat;
    champ("faits").textContent = t.faits;
    champ("total").textContent = t.total;
    champ("message").textContent = t.message;
    champ("message").hidden = t.etat !== "echoue";
    if (t.resultat) {
      champ("resultat").querySelector("a").href = t.resultat;
      champ("resultat").hidden = false;
    }
    bloc.dataset.etat = t.etat;
  }
  function lire() {
    fetch(bloc.dataset.adresse, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (t) {
        afficher(t);
        if (t.etat === "en_attente" || t.etat === "en_cours") { window.setTimeout(lire, 1000); }
      })
      .catch(function () { window.setTimeout(lire, 3000); });
  }
  if (bloc.dataset.etat === "en_attente" || bloc.dataset.etat === "en_cours") { lire(); }
}());
