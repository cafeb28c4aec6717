// The trash as people think of it: one row per trash operation (an event with everything deleted
// with it is one row, expandable to what it holds), with names, who deleted it and when, and the
// time left before it is deleted for good. Restore and purge confirm with counts; many items run
// as a job whose progress shows until it finishes, then the list is read again from the server.
import { api, declares, listAll } from "./api.js";
import { announce, h } from "./dom.js";
import { label as labelFor } from "./labels.js";
import { page, state, me } from "./app.js";
import { maybeJob } from "./progress.js";

const KINDS = ["event", "track", "room", "session_type", "session", "speaker", "sponsor", "post"];
const DAY_MS = 24 * 3600 * 1000;

/** The names of the caller's live events, to say where a trashed item was. */
async function eventNames() {
  const events = await listAll("/events");
  return new Map(events.map((event) => [event.id, event.name]));
}

// Children are named with their event, so an id several events share in the trash is not ambiguous.
const whereOf = (item) => (item.kind === "event" || !item.event_id ? {} : { event_id: item.event_id });
const labelOf = (item) => item.name || `${labelFor(item.kind).toLowerCase()} without a name`;

/** Operations: the item deleted itself (the head) with the items deleted along with it. */
export function operationsOf(items) {
  const byOp = new Map();
  for (const item of items) {
    const key = item.operation || `${item.kind}:${item.id}`;
    if (!byOp.has(key)) byOp.set(key, { head: null, along: [] });
    const group = byOp.get(key);
    if (item.trashed_with) group.along.push(item);
    else group.head = item;
  }
  // An operation whose head is not listed (not readable) shows its items on their own.
  return [...byOp.values()].flatMap((group) => (group.head ? [group] : group.along.map((item) => ({ head: item, along: [] }))));
}

function countsText(along) {
  const counts = new Map();
  for (const item of along) counts.set(item.kind, (counts.get(item.kind) || 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${labelFor(kind).toLowerCase()}${n === 1 ? "" : "s"}`).join(", ");
}

function timeLeft(expiresAt) {
  const days = Math.ceil((new Date(expiresAt) - Date.now()) / DAY_MS);
  return days <= 1 ? "less than a day" : `${days} days`;
}

async function restore(group, place) {
  const { head } = group;
  const along = group.along.length ? ` with the ${countsText(group.along)} deleted with it` : "";
  if (!confirm(`Restore ${labelFor(head.kind).toLowerCase()} “${labelOf(head)}”${along}?`)) return false;
  let body = {};
  for (;;) {
    try {
      const answer = await api("POST", `/trash/${head.kind}/${head.id}/restore`, { body, query: whereOf(head) });
      await maybeJob(answer, place, `Restoring “${labelOf(head)}”`);
      announce(`Restored ${labelFor(head.kind).toLowerCase()} “${labelOf(head)}”${group.along.length ? ` with ${countsText(group.along)}` : ""}.`);
      return true;
    } catch (err) {
      // An event whose address was taken meanwhile comes back under another one.
      const suggestion = err.status === 409 && err.details?.suggestion;
      if (!suggestion || body.slug) throw err;
      const slug = prompt(`${err.message}\nRestore it under this address instead:`, suggestion);
      if (!slug) return false;
      body = { slug };
    }
  }
}

async function purge(group) {
  const { head } = group;
  const along = group.along.length ? ` and the ${countsText(group.along)} deleted with it` : "";
  if (!confirm(`Delete “${labelOf(head)}”${along} for good? This cannot be undone.`)) return false;
  const answer = await api("DELETE", `/trash/${head.kind}/${head.id}`, { query: whereOf(head) });
  announce(`Deleted “${labelOf(head)}” for good (${answer.deleted} items).`);
  return true;
}

function operationRow(group, { eventName, redraw }) {
  const { head, along } = group;
  const label = labelOf(head);
  const place = h("div", { class: "job-place" });
  const act = (work) => async (event) => {
    event.target.disabled = true;
    try {
      if (await work()) redraw();
    } catch (err) {
      announce(err.message, "error");
    } finally {
      event.target.disabled = false;
    }
  };
  const may = (verb) => (head.actions || []).includes(verb);
  const actions = [
    may("restore") ? h("button", { type: "button", onclick: act(() => restore(group, place)) }, `Restore ${label}`) : null,
    may("delete") && declares(state.doc, "delete", "/trash/{}/{}")
      ? h("button", { type: "button", class: "danger", onclick: act(() => purge(group)) }, `Delete ${label} for good`) : null,
  ].filter(Boolean);
  const contents = along.length ? h("details", { class: "along" },
    h("summary", {}, `With ${countsText(along)}`),
    h("ul", {}, [...along].sort((a, b) => labelOf(a).localeCompare(labelOf(b), undefined, { numeric: true })).map((item) => h("li", {}, `${labelFor(item.kind)}: ${labelOf(item)}`)))) : null;
  const where = head.kind === "event" || !head.event_id ? null : h("span", { class: "hint" }, ` in ${eventName || "an event"}`);
  return h("tr", { "data-id": head.id, "data-operation": head.operation || "" },
    h("th", { scope: "row" }, h("span", { class: "kind" }, labelFor(head.kind)), " ", h("strong", {}, label), where, contents),
    h("td", {}, head.trashed_by_name || (head.trashed_by === "system" ? "Podium" : "someone"), h("br"),
      h("span", { class: "hint" }, head.trashed_at ? new Date(head.trashed_at).toLocaleString() : "")),
    h("td", {}, head.expires_at ? timeLeft(head.expires_at) : "—"),
    h("td", { class: "actions" }, actions.length ? actions : h("span", { class: "hint" }, "Only owners and organizers restore or delete"), place));
}

/** The trash list; `?kind=` picks what it shows first (the filter then works in place, keeping focus). */
export async function trashView(query = new URLSearchParams()) {
  const [items, names, user] = await Promise.all([listAll("/trash"), eventNames(), me()]);
  const operations = operationsOf(items);
  const kinds = user?.is_admin ? [...KINDS, "user"] : KINDS;
  const filter = h("select", { id: "trash-kind" }, h("option", { value: "" }, "Everything"),
    kinds.map((k) => h("option", { value: k }, labelFor(k))));
  filter.value = kinds.includes(query.get("kind")) ? query.get("kind") : "";
  const redraw = () => trashView(new URLSearchParams(filter.value ? { kind: filter.value } : {}));
  const body = h("tbody");
  const table = h("div", { class: "table-scroll" }, h("table", { class: "list trash" },
    h("caption", {}, "Each row is one deletion; what was deleted with it comes back with it."),
    h("thead", {}, h("tr", {}, ["What", "Deleted by", "Time left", "Actions"].map((t) => h("th", { scope: "col" }, t)))), body));
  const empty = h("p", { class: "empty" });
  const show = () => {
    const shown = operations.filter((group) => !filter.value || group.head.kind === filter.value);
    body.replaceChildren(...shown.map((group) => operationRow(group, { eventName: names.get(group.head.event_id), redraw })));
    table.hidden = !shown.length;
    empty.hidden = Boolean(shown.length);
    empty.textContent = filter.value ? `No ${labelFor(filter.value).toLowerCase()} in the trash.` : "The trash is empty.";
  };
  filter.addEventListener("change", show);
  show();
  page("Trash", h("p", {}, "Deleted items stay here for 30 days, then they are deleted for good."),
    h("div", { class: "toolbar" }, h("div", { class: "search" }, h("label", { for: "trash-kind" }, "Show"), filter)), table, empty);
}
