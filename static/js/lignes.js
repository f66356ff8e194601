// Les tableaux où l'on décide beaucoup de lignes : « tout cocher » et le nombre de lignes cochées de chaque lot.
// Délégué au document : les lignes et les sections remplacées par htmx en profitent sans rien réattacher.
(function () {
  function compter(lot) {
    const cochees = document.querySelectorAll('input[data-choix="' + lot + '"]:checked').length;
    document.querySelectorAll('[data-compte="' + lot + '"]').forEach(function (compte) {
      compte.textContent = cochees ? cochees + (cochees > 1 ? " lignes cochées" : " ligne cochée") : "";
    });
    const tout = document.querySelector('input[data-tout="' + lot + '"]');
    if (tout) {
      const toutes = document.querySelectorAll('input[data-choix="' + lot + '"]').length;
      tout.checked = toutes > 0 && cochees === toutes;
      tout.indeterminate = cochees > 0 && cochees < toutes;
    }
  }
  function montrer() {
    document.querySelectorAll("input[data-tout]").forEach(function (tout) {
      tout.hidden = false;
      compter(tout.dataset.tout);
    });
  }
  document.addEventListener("change", function (evenement) {
    const cible = evenement.target;
    if (cible.dataset.tout) {
      document.querySelectorAll('input[data-choix="' + cible.dataset.tout + '"]').forEach(function (boite) {
        boite.checked = cible.checked;
      });
      compter(cible.dataset.tout);
    } else if (cible.dataset.choix) {
      compter(cible.dataset.choix);
    }
  });
  document.addEventListener("htmx:afterSettle", montrer);
  montrer();
})();
