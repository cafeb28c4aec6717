// Progressive enhancement for Podium event pages: search, stars, now/next, offline.
(function () {
  "use strict";
  const body = document.body;
  const root = body.dataset.root;
  if (!root) return;
  const starKey = "podium:" + body.dataset.slug + ":starred";

  function loadStars() {
    try { return new Set(JSON.parse(localStorage.getItem(starKey) || "[]")); } catch (e) { return new Set(); }
  }
  function saveStars(stars) {
    try { localStorage.setItem(starKey, JSON.stringify(Array.from(stars).sort())); } catch (e) { /* storage full or blocked */ }
  }
  function paintStar(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.firstElementChild.textContent = on ? "★" : "☆";
  }
  function setupStars() {
    const stars = loadStars();
    document.querySelectorAll("button.star[data-star]").forEach(function (button) {
      button.hidden = false;
      paintStar(button, stars.has(button.dataset.star));
      button.addEventListener("click", function () {
        const current = loadStars();
        const id = button.dataset.star;
        if (current.has(id)) current.delete(id); else current.add(id);
        saveStars(current);
        document.querySelectorAll('button.star[data-star="' + id + '"]').forEach(function (b) { paintStar(b, current.has(id)); });
      });
    });
  }

  let index = null;
  function loadIndex() {
    if (!index) index = fetch(root + "search.json").then(function (r) { return r.json(); }).then(function (d) { return d.sessions; });
    return index;
  }
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function matches(entry, words) {
    const hay = fold([entry.title, entry.speakers.join(" "), entry.track, entry.room].join(" "));
    return words.every(function (w) { return hay.indexOf(w) !== -1; });
  }
  function renderResults(list, entries) {
    list.replaceChildren();
    entries.slice(0, 20).forEach(function (entry) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = entry.url;
      a.textContent = entry.title;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + [entry.start, entry.room, entry.speakers.join(", ")].filter(Boolean).join(" · ");
      li.append(a, meta);
      list.append(li);
    });
  }
  function setupSearch() {
    const form = document.querySelector("form.search");
    if (!form) return;
    const input = form.querySelector("input");
    const list = form.querySelector("#search-results");
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    input.addEventListener("input", function () {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      if (!words.length) { list.replaceChildren(); return; }
      loadIndex().then(function (entries) { renderResults(list, entries.filter(function (e) { return matches(e, words); })); });
    });
  }

  function setupStarredList() {
    const box = document.getElementById("starred");
    const stars = loadStars();
    if (!box || !stars.size) return;
    loadIndex().then(function (entries) {
      renderResults(document.getElementById("starred-list"), entries.filter(function (e) { return stars.has(e.id); }));
      box.hidden = false;
    });
  }

  function updateNowNext() {
    const items = Array.from(document.querySelectorAll("li.s[data-start]"));
    const status = document.getElementById("nownext");
    if (!items.length || !status) return;
    const now = Date.now();
    let next = null;
    const current = [];
    items.forEach(function (li) {
      const start = Date.parse(li.dataset.start), end = Date.parse(li.dataset.end || li.dataset.start);
      li.classList.toggle("now", start <= now && now < end);
      li.classList.remove("next");
      if (start <= now && now < end) current.push(li);
      if (start > now && (!next || start < Date.parse(next.dataset.start))) next = li;
    });
    const first = Date.parse(items[0].dataset.start);
    const dayOver = items.every(function (li) { return Date.parse(li.dataset.end || li.dataset.start) <= now; });
    if (now < first - 12 * 3600 * 1000 || dayOver) { status.hidden = true; return; }
    if (next) next.classList.add("next");
    const title = function (li) { return li.querySelector("a").textContent; };
    status.textContent = (current.length ? "Now: " + current.map(title).join("; ") + ". " : "") + (next ? "Next: " + title(next) + "." : "");
    status.hidden = !status.textContent;
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root + "sw.js", { scope: root }).catch(function () { /* offline use is optional */ });
  }

  setupStars();
  setupSearch();
  setupStarredList();
  updateNowNext();
  setInterval(updateNowNext, 60 * 1000);
  registerWorker();
})();
