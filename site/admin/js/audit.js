// Admins: the audit log (every change made through the API, and the trash's deletions, restores
// and purges), a month at a time, for one event or one person.
import { api, listOf } from "./api.js";
import { h } from "./dom.js";
import { page } from "./app.js";
import { label } from "./labels.js";

const ACTIONS = {
  trash: "moved to the trash", restore: "restored", purge: "deleted for good", expire: "expired", create: "created",
  update: "changed", delete: "removed", publish: "published", transfer: "handed the ownership of", grant_admin: "changed the admin role of",
};
// "2026-12" reads "December 2026" (a local date: midnight UTC would be the month before in the west)
const monthName = (month) => new Date(`${month}-01T12:00:00`).toLocaleDateString(undefined, { month: "long", year: "numeric" });
const did = (action) => ACTIONS[action] || action.replace(/_/g, " ");

export async function auditView(query = new URLSearchParams()) {
  const month = query.get("month") || new Date().toISOString().slice(0, 7);
  const filters = { month, event_id: query.get("event_id") || "", actor_id: query.get("actor_id") || "" };
  let answer = await api("GET", "/audit", { query: { ...filters, limit: 100, next: query.get("next") } });
  // Each request reads a bounded part of the month: a part where no record matched is read on from.
  for (let part = 1; !listOf(answer).length && answer.next && part < 20; part += 1) {
    answer = await api("GET", "/audit", { query: { ...filters, limit: 100, next: answer.next } });
  }
  const records = listOf(answer);
  const monthInput = h("input", { type: "month", id: "audit-month", name: "month", value: month });
  const form = h("form", { class: "toolbar" }, h("div", { class: "search" }, h("label", { for: "audit-month" }, "Month"), monthInput),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = Object.entries({ ...filters, month: monthInput.value || month }).filter(([, value]) => value);
    location.hash = `#/audit?${new URLSearchParams(params)}`;
  });
  const rows = records.map((r) => h("tr", {},
    h("td", {}, new Date(r.at).toLocaleString()),
    h("td", {}, h("a", { href: `#/audit?month=${month}&actor_id=${r.actor.id}` }, r.actor.name || r.actor.id)),
    h("td", {}, did(r.action)),
    h("th", { scope: "row" }, `${label(r.kind)} “${r.item_name || r.item_id}”`, r.count > 1 ? ` (${r.count} items)` : ""),
    h("td", {}, r.event_id ? h("a", { href: `#/audit?month=${month}&event_id=${r.event_id}` }, "this event only") : "—")));
  const narrowed = filters.event_id || filters.actor_id ? h("p", {}, "Showing one ", filters.event_id ? "event" : "person", "'s records. ",
    h("a", { href: `#/audit?month=${month}` }, "Show everything")) : null;
  page("Audit log", form, narrowed,
    rows.length ? h("div", { class: "table-scroll" }, h("table", { class: "list" }, h("caption", {}, `Changes in ${monthName(month)}`),
      h("thead", {}, h("tr", {}, ["When", "Who", "Did", "What", "Event"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)))
      : h("p", { class: "empty" }, "Nothing recorded in this month."),
    answer.next ? h("p", {}, h("a", { href: `#/audit?${new URLSearchParams({ ...filters, next: answer.next })}` }, "More records")) : null);
}
