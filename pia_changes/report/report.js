// Filters of the pia-changes report: 重要な変更のみ, 要確認のみ, 章, text search. Nothing leaves the page.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var count = document.getElementById("filter-count");
  var state = document.getElementById("filter-state");
  function norm(text) { return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " "); }
  var texts = rows.map(function (row) { return norm(row.textContent); });
  function apply() {
    var important = form.elements.important.checked;
    var review = form.elements.review.checked;
    var section = form.elements.section.value;
    var words = norm(form.elements.q.value).split(" ").filter(Boolean);
    var shown = 0, total = 0;
    rows.forEach(function (row, i) {
      var ok = (!important || row.classList.contains("important")) &&
        (!review || row.classList.contains("review")) &&
        (!section || row.getAttribute("data-section") === section) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !ok;
      if (row.getAttribute("data-row") === "change") { total += 1; shown += ok ? 1 : 0; }
    });
    var active = important || review || section || words.length > 0;
    groups.forEach(function (group) {
      group.hidden = active && !group.querySelector("[data-row]:not([hidden])");
    });
    count.textContent = "新旧対照表 " + shown + " / " + total + " 件を表示";
    var parts = [];
    if (important) { parts.push("重要な変更のみ"); }
    if (review) { parts.push("要確認のみ"); }
    if (section) { parts.push("章 " + section); }
    if (words.length) { parts.push("検索「" + form.elements.q.value.trim() + "」"); }
    state.textContent = parts.length ? "絞り込み: " + parts.join("・") : "";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
