// The search page and "my schedule" of an event site, built on podium.js (window.Podium):
// full search with filters and a count; starred sessions by day, taken along as a link (the
// link carries the set itself: no account, nothing stored on a server), a QR code of that link
// and an iCalendar file made in the browser.
(function () {
  "use strict";
  const P = window.Podium;
  if (!P) return;

  function longDay(iso) {
    return new Date(iso + "T12:00:00Z").toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }
  function shortDay(iso) {
    return new Date(iso + "T12:00:00Z").toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  }
  function option(value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }

  // --- search page -------------------------------------------------------------------
  function setupFinder(finder) {
    const input = document.getElementById("finder-q");
    const selects = Array.from(finder.querySelectorAll("select[data-filter]"));
    const count = document.getElementById("finder-count");
    const list = document.getElementById("finder-results");
    const asked = new URLSearchParams(location.search);
    input.value = asked.get("q") || "";
    finder.hidden = false;
    finder.addEventListener("submit", function (e) { e.preventDefault(); });
    P.loadIndex().then(function (data) {
      selects.forEach(function (select) {
        const key = select.dataset.filter;
        const values = Array.from(new Set(data.sessions.map(function (e) { return e[key]; }).filter(Boolean))).sort();
        values.forEach(function (value) { select.append(option(value, key === "day" ? shortDay(value) : value)); });
        // A field no session of the event has (often the language) offers nothing to choose.
        select.parentElement.hidden = !values.length;
        if (values.indexOf(asked.get(key)) !== -1) select.value = asked.get(key);
        select.addEventListener("change", update);
      });
      input.addEventListener("input", update);
      update();

      function update() {
        const wanted = P.words(input.value);
        const chosen = selects.filter(function (s) { return s.value; }).map(function (s) { return [s.dataset.filter, s.value]; });
        const found = data.sessions.filter(function (e) {
          return P.matches(e, wanted) && chosen.every(function (c) { return e[c[0]] === c[1]; });
        });
        // Every match is listed: the count and the list always agree.
        count.textContent = P.countText(found.length) + " of " + data.sessions.length + ".";
        list.replaceChildren.apply(list, found.map(P.resultItem));
        // The address keeps the search, so it can be bookmarked or shared.
        const kept = new URLSearchParams();
        if (input.value) kept.set("q", input.value);
        chosen.forEach(function (c) { kept.set(c[0], c[1]); });
        history.replaceState(null, "", location.pathname + (kept.toString() ? "?" + kept : ""));
      }
    });
  }

  // --- share links: #stars=<session numbers in base 36, sorted, joined by "."> ----------
  const LINK_MARK = "#stars=";
  function shareLink(entries) {
    const codes = entries.map(function (e) { return e.n; }).sort(function (a, b) { return a - b; });
    return new URL(P.root + "my/", location.href).href + LINK_MARK + codes.map(function (n) { return n.toString(36); }).join(".");
  }
  function linkedSessions(data) {
    if (location.hash.indexOf(LINK_MARK) !== 0) return null;
    const byNumber = new Map(data.sessions.map(function (e) { return [e.n, e]; }));
    const codes = location.hash.slice(LINK_MARK.length).split(".").filter(Boolean);
    // Only base-36 numbers of this event's own sessions count; anything else in the fragment is ignored.
    const found = codes.map(function (code) { return /^[0-9a-z]{1,7}$/.test(code) ? byNumber.get(parseInt(code, 36)) : null; }).filter(Boolean);
    if (!found.length) return null;
    return { entries: Array.from(new Set(found)), unknown: codes.length - found.length };
  }

  // --- iCalendar (RFC 5545) of the starred sessions, UIDs as in schedule.ics -------------
  function icsText(text) {
    return String(text).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
  }
  const encoder = new TextEncoder();
  function folded(line) {
    let out = "", size = 0;
    for (const ch of line) {
      const octets = encoder.encode(ch).length;
      if (size + octets > 74) { out += "\r\n "; size = 1; }
      out += ch;
      size += octets;
    }
    return out + "\r\n";
  }
  function calendar(data, entries) {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Podium//My schedule//EN", "CALSCALE:GREGORIAN",
      "X-WR-CALNAME:" + icsText(data.event.name + ": my schedule")];
    entries.forEach(function (e) {
      lines.push("BEGIN:VEVENT", "UID:" + e.id + "@" + data.event.id + ".podium", "DTSTAMP:" + stamp,
        "DTSTART:" + e.utc[0], "DTEND:" + e.utc[1], "SUMMARY:" + icsText(e.title),
        "LOCATION:" + icsText(e.room || "Room to be announced"), "URL:" + new URL(e.url, location.href).href);
      if (e.names.length) lines.push("DESCRIPTION:" + icsText(e.names.join(", ")));
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(folded).join("");
  }

  function drawQr(canvas, text) {
    const qr = window.qrcode(0, "M");  // assets/qrcode.js, loaded before this file (my.html)
    qr.addData(text);
    try {
      qr.make();
    } catch (e) {  // longer than the largest QR code holds (some 300 sessions): the link alone
      canvas.hidden = true;
      return;
    }
    canvas.hidden = false;
    const cell = 4, margin = 4, modules = qr.getModuleCount();
    const size = (modules + 2 * margin) * cell;
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = "#000";
    for (let row = 0; row < modules; row++) {
      for (let col = 0; col < modules; col++) {
        if (qr.isDark(row, col)) ctx.fillRect((col + margin) * cell, (row + margin) * cell, cell, cell);
      }
    }
  }

  // --- my schedule -------------------------------------------------------------------
  function setupMine() {
    let calendarUrl = null;
    P.loadIndex().then(function (data) {
      const linked = linkedSessions(data);
      if (linked) offer(data, linked);
      show(data);
      // A link opened while this page is open changes the fragment alone (no new page load).
      window.addEventListener("hashchange", function () {
        const again = linkedSessions(data);
        if (again) offer(data, again);
      });
    });

    function offer(data, linked) {
      const box = document.getElementById("incoming");
      const stars = P.loadStars();
      const already = linked.entries.filter(function (e) { return stars.has(e.id); }).length;
      document.getElementById("incoming-text").textContent = "This link carries " + P.countText(linked.entries.length).replace(" found", "") +
        (already ? " (" + already + " already starred here)" : "") +
        (linked.unknown ? "; " + linked.unknown + " more are no longer in the schedule" : "") + ".";
      const list = document.getElementById("incoming-list");
      list.replaceChildren.apply(list, linked.entries.map(P.resultItem));
      box.hidden = false;
      function done(keep) {
        if (keep) P.saveStars(keep);
        box.hidden = true;
        history.replaceState(null, "", location.pathname + location.search);
        show(data);
        document.getElementById("mine-count").focus();
      }
      const ids = linked.entries.map(function (e) { return e.id; });
      document.getElementById("incoming-merge").onclick = function () { done(new Set(Array.from(P.loadStars()).concat(ids))); };
      document.getElementById("incoming-replace").onclick = function () { done(new Set(ids)); };
      document.getElementById("incoming-ignore").onclick = function () { done(null); };
    }

    function show(data) {
      const stars = P.loadStars();
      const entries = data.sessions.filter(function (e) { return stars.has(e.id); });
      const count = document.getElementById("mine-count");
      count.tabIndex = -1;
      const days = document.getElementById("mine-days");
      const along = document.getElementById("take-along");
      days.replaceChildren();
      along.hidden = !entries.length;
      if (!entries.length) {
        const schedule = document.createElement("a");
        schedule.href = P.root + "schedule/";
        schedule.textContent = "schedule";
        count.replaceChildren("You have starred no sessions yet: star them (☆ Star) in the ", schedule, " and they are listed here.");
        return;
      }
      count.textContent = "You starred " + (entries.length === 1 ? "1 session" : entries.length + " sessions") + ".";
      const byDay = new Map();
      entries.forEach(function (e) {
        if (!byDay.has(e.day)) byDay.set(e.day, []);
        byDay.get(e.day).push(e);
      });
      byDay.forEach(function (dayEntries, day) {
        const heading = document.createElement("h2");
        heading.textContent = day ? longDay(day) : "Time to be announced";
        const list = document.createElement("ul");
        list.className = "list";
        list.replaceChildren.apply(list, dayEntries.map(P.resultItem));
        days.append(heading, list);
      });
      const link = shareLink(entries);
      const field = document.getElementById("share-link");
      field.value = link;
      document.getElementById("share-copy").onclick = function () {
        field.select();
        if (navigator.clipboard) navigator.clipboard.writeText(link).catch(function () { /* the field stays selected */ });
      };
      drawQr(document.getElementById("share-qr"), link);
      const timed = entries.filter(function (e) { return e.utc[0]; });
      if (calendarUrl) URL.revokeObjectURL(calendarUrl);
      calendarUrl = URL.createObjectURL(new Blob([calendar(data, timed)], { type: "text/calendar" }));
      const download = document.getElementById("mine-ics");
      download.href = calendarUrl;
      download.textContent = "Download my schedule (.ics, " + (timed.length === 1 ? "1 session" : timed.length + " sessions") + ")";
    }
  }

  const finder = document.getElementById("finder");
  if (finder) setupFinder(finder);
  if (document.getElementById("mine-days")) setupMine();
})();
