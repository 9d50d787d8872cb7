/* The pipeline board: drag a card to another column to move the opportunity there. The
   server answers with the board as it now is, so a refused move puts the card back and
   says why. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;

  function move(card, column) {
    var data = new FormData(document.getElementById("board-filters"));
    data.append("stage", column.dataset.stage);
    data.append("version", card.dataset.version);
    if (column.dataset.lost === "1") {
      var reason = window.prompt(board.dataset.lostQuestion);
      if (reason === null) { return reload(); }
      data.append("lost_reason", reason);
    }
    // One move address for the board, with the card's id in place of the 0.
    var url = board.dataset.moveUrl.replace("/0/", "/" + card.dataset.id + "/");
    fetch(url, {
      method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin"
    }).then(function (response) { return response.text(); }).then(show);
  }

  function reload() {
    htmx.ajax("GET", board.dataset.url + "?" + new URLSearchParams(
      new FormData(document.getElementById("board-filters"))), { target: "#board" });
  }

  function show(html) {
    board.innerHTML = html;
    htmx.process(board);
    start();
  }

  function start() {
    board.querySelectorAll(".kehu-cards").forEach(function (list) {
      Sortable.create(list, {
        group: "pipeline", animation: 150, forceFallback: true, draggable: ".kehu-deal",
        onEnd: function (event) {
          if (event.from !== event.to) { move(event.item, event.to); }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === board) { start(); }
  });
})();
