// The pia-changes report: folded unchanged text in the 新旧対照表 (shown whole without this
// script, and in print), and the filters 重要な変更のみ, 要確認のみ, 章, text search.
// Nothing leaves the page.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function unfold(fold) {
    fold.classList.add("open");
    var button = fold.querySelector("button.unfold");
    if (button) { button.setAttribute("aria-expanded", "true"); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.unfold") : null;
    if (button) { unfold(button.parentNode); }
  });
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var count = document.getElementById("filter-count");
  var state = document.getElementById("filter-state");
  function norm(text) { return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " "); }
  function words(node) {  // the row's own text: not the labels of the fold controls
    var copy = node.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("button.unfold"), function (b) { b.remove(); });
    return norm(copy.textContent);
  }
  var texts = rows.map(words);
  function unfoldMatches(row, found) {  // a search hit inside folded text is shown
    Array.prototype.forEach.call(row.querySelectorAll(".fold:not(.open)"), function (fold) {
      var text = norm(fold.querySelector(".folded").textContent);
      if (found.some(function (w) { return text.indexOf(w) >= 0; })) { unfold(fold); }
    });
  }
  function apply() {
    var important = form.elements.important.checked;
    var review = form.elements.review.checked;
    var section = form.elements.section.value;
    var query = norm(form.elements.q.value).split(" ").filter(Boolean);
    var shown = 0, total = 0;
    rows.forEach(function (row, i) {
      var ok = (!important || row.classList.contains("important")) &&
        (!review || row.classList.contains("review")) &&
        (!section || row.getAttribute("data-section") === section) &&
        query.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok && query.length) { unfoldMatches(row, query); }
      if (row.getAttribute("data-row") === "change") { total += 1; shown += ok ? 1 : 0; }
    });
    var active = important || review || section || query.length > 0;
    groups.forEach(function (group) {
      group.hidden = active && !group.querySelector("[data-row]:not([hidden])");
    });
    count.textContent = "新旧対照表 " + shown + " / " + total + " 件を表示";
    var parts = [];
    if (important) { parts.push("重要な変更のみ"); }
    if (review) { parts.push("要確認のみ"); }
    if (section) { parts.push("章 " + section); }
    if (query.length) { parts.push("検索「" + form.elements.q.value.trim() + "」"); }
    state.textContent = parts.length ? "絞り込み: " + parts.join("・") : "";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
