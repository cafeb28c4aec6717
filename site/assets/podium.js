// Progressive enhancement for Podium event pages: search, stars, now/next, offline.
(function () {
  "use strict";
  const body = document.body;
  const root = body.dataset.root;
  // The site's own worker keeps the site root (the events index) for offline use, whichever page
  // a visitor opened first; each event's worker (below) keeps that event's pages.
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* optional */ });
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

  // The event's search index (feeds.search_index), each session given its speakers' names, its
  // page's URL and one folded text of every searchable field (titles, abstracts, names,
  // biographies, track, room, type, language).
  let index = null;
  function loadIndex() {
    if (!index) index = fetch(root + "search.json").then(function (r) { return r.json(); }).then(function (data) {
      data.sessions.forEach(function (entry) {
        const people = entry.speakers.map(function (id) { return data.speakers[id] || ["", ""]; });
        entry.names = people.map(function (p) { return p[0]; });
        entry.url = root + "sessions/" + entry.id + "/";
        entry.hay = fold([entry.title, entry.abstract, entry.track, entry.room, entry.type, entry.lang]
          .concat(people.map(function (p) { return p[0] + " " + p[1]; })).join(" "));
      });
      return data;
    });
    return index;
  }
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function words(text) { return fold(text).split(/\s+/).filter(Boolean); }
  function matches(entry, wanted) {
    return wanted.every(function (w) { return entry.hay.indexOf(w) !== -1; });
  }
  function resultItem(entry) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = entry.url;
    a.textContent = entry.title;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = " " + [entry.start, entry.room, entry.names.join(", ")].filter(Boolean).join(" · ");
    li.append(a, meta);
    return li;
  }
  function renderResults(list, entries) {
    list.replaceChildren.apply(list, entries.map(resultItem));
  }
  function countText(count) { return count === 1 ? "1 session found" : count + " sessions found"; }
  // The header box shows the first few results and says how many there are, linking to the
  // search page, which lists them all (nothing is left out without saying so).
  const HEADER_RESULTS = 10;
  function setupSearch() {
    const form = document.querySelector("form.search");
    if (!form) return;
    const input = form.querySelector("input");
    const list = form.querySelector("#search-results");
    const count = form.querySelector("#search-count");
    form.hidden = false;
    input.addEventListener("input", function () {
      const wanted = words(input.value);
      if (!wanted.length) { list.replaceChildren(); count.replaceChildren(); return; }
      loadIndex().then(function (data) {
        const found = data.sessions.filter(function (e) { return matches(e, wanted); });
        renderResults(list, found.slice(0, HEADER_RESULTS));
        const all = document.createElement("a");
        all.href = root + "search/?q=" + encodeURIComponent(input.value);
        all.textContent = found.length > HEADER_RESULTS ? "see all " + found.length : "search with filters";
        count.replaceChildren(countText(found.length) + (found.length > HEADER_RESULTS ? ", first " + HEADER_RESULTS + " shown" : "") + ": ", all);
      });
    });
  }

  function setupStarredList() {
    const box = document.getElementById("starred");
    const stars = loadStars();
    if (!box || !stars.size) return;
    loadIndex().then(function (data) {
      renderResults(document.getElementById("starred-list"), data.sessions.filter(function (e) { return stars.has(e.id); }));
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

  // What the search and "my schedule" pages (visitor.js) build on.
  window.Podium = {
    root: root, slug: body.dataset.slug, loadIndex: loadIndex, loadStars: loadStars, saveStars: saveStars,
    words: words, matches: matches, resultItem: resultItem, countText: countText,
  };

  setupStars();
  setupSearch();
  setupStarredList();
  updateNowNext();
  setInterval(updateNowNext, 60 * 1000);
  registerWorker();
})();
