// The trash: what the caller may still restore (GET /v1/trash), restore and delete for good.
// Owners, organizers and admins act on an event's trash; other roles only read it.
import { api, declares, listAll } from "./api.js";
import { announce, h, humanize } from "./dom.js";
import { page, state, me } from "./app.js";
import { roleIn } from "./events.js";

const ACTORS = new Set(["admin", "owner", "organizer"]);
const KINDS = ["event", "track", "room", "session_type", "session", "speaker", "sponsor", "post"];

/** The caller's role per event of the trash ("admin" for site admins; null when unknown). */
async function rolesOf(items) {
  const user = await me();
  const eventIds = [...new Set(items.map((item) => item.event_id).filter(Boolean))];
  const roles = await Promise.all(eventIds.map((id) => (user?.is_admin ? "admin" : roleIn(id))));
  return new Map(eventIds.map((id, i) => [id, roles[i]]));
}

/** The names of the caller's live events, to say where a trashed item was. */
async function eventNames() {
  const events = await listAll("/events");
  return new Map(events.map((event) => [event.id, event.name]));
}

// An event child trashed with its event is restored with the event, never on its own.
const takenAlong = (item) => Boolean(item.trashed_with);

// A trashed event's roles cannot be read any more: unknown there means "let the API decide".
const mayAct = (item, role) => !takenAlong(item) && (ACTORS.has(role) || (role == null && item.kind === "event"));

// Children are named with their event, so an id several events share in the trash is not ambiguous.
const whereOf = (item) => (item.kind === "event" || !item.event_id ? {} : { event_id: item.event_id });

async function restore(item, label) {
  let body = {};
  for (;;) {
    try {
      await api("POST", `/trash/${item.kind}/${item.id}/restore`, { body, query: whereOf(item) });
      announce(`Restored ${humanize(item.kind).toLowerCase()} “${label}”.`);
      return;
    } catch (err) {
      // An event whose address was taken meanwhile comes back under another one.
      const suggestion = err.status === 409 && err.details.suggestion;
      if (!suggestion || body.slug) throw err;
      const slug = prompt(`${err.message}\nRestore it under this address instead:`, suggestion);
      if (!slug) return;
      body = { slug };
    }
  }
}

async function purge(item, label) {
  if (!confirm(`Delete “${label}” for good? This cannot be undone.`)) return false;
  await api("DELETE", `/trash/${item.kind}/${item.id}`, { query: whereOf(item) });
  announce(`Deleted “${label}” for good.`);
  return true;
}

function row(item, { role, eventName, redraw }) {
  const label = item.name || item.id;
  const act = (work) => async () => {
    try {
      await work();
      redraw();
    } catch (err) {
      announce(err.message, "error");
    }
  };
  // The API says what the caller may do with each item; older answers leave it to the role.
  const may = (verb) => (item.actions ? item.actions.includes(verb) : mayAct(item, role));
  const actions = may("restore") || may("delete") ? [
    may("restore") ? h("button", { type: "button", onclick: act(() => restore(item, label)) }, `Restore ${label}`) : null,
    may("delete") && declares(state.doc, "delete", "/trash/{}/{}")
      ? h("button", { type: "button", class: "danger", onclick: act(() => purge(item, label)) }, `Delete ${label} for good`) : null,
  ] : [h("span", { class: "hint" }, takenAlong(item) ? `Comes back with its ${humanize(item.trashed_with.kind).toLowerCase()}` : "Only owners and organizers restore or delete")];
  const where = item.kind === "event" ? "—" : eventName || item.event_id || "—";
  return h("tr", { "data-id": item.id },
    h("td", {}, humanize(item.kind)), h("th", { scope: "row" }, label), h("td", {}, where),
    h("td", {}, item.trashed_at ? new Date(item.trashed_at).toLocaleString() : "—"),
    h("td", {}, item.expires_at ? new Date(item.expires_at).toLocaleDateString() : "—"),
    h("td", { class: "actions" }, actions));
}

/** The trash list; `?kind=` picks what it shows first (the filter then works in place, keeping focus). */
export async function trashView(query = new URLSearchParams()) {
  const [items, names, user] = await Promise.all([listAll("/trash"), eventNames(), me()]);
  const roles = await rolesOf(items);
  const kinds = user?.is_admin ? [...KINDS, "user"] : KINDS;
  const filter = h("select", { id: "trash-kind" }, h("option", { value: "" }, "Everything"),
    kinds.map((k) => h("option", { value: k }, humanize(k))));
  filter.value = kinds.includes(query.get("kind")) ? query.get("kind") : "";
  const redraw = () => trashView(new URLSearchParams(filter.value ? { kind: filter.value } : {}));
  const body = h("tbody");
  const table = h("div", { class: "table-scroll" }, h("table", { class: "list" },
    h("caption", {}, "Trashed items are deleted for good when they expire."),
    h("thead", {}, h("tr", {}, ["Kind", "Name", "Event", "Trashed", "Expires", "Actions"].map((t) => h("th", { scope: "col" }, t)))), body));
  const empty = h("p", {});
  const show = () => {
    const shown = items.filter((item) => !filter.value || item.kind === filter.value);
    body.replaceChildren(...shown.map((item) => row(item, { role: roles.get(item.event_id), eventName: names.get(item.event_id), redraw })));
    table.hidden = !shown.length;
    empty.hidden = Boolean(shown.length);
    empty.textContent = filter.value ? `No ${humanize(filter.value).toLowerCase()} in the trash.` : "The trash is empty.";
  };
  filter.addEventListener("change", show);
  show();
  page("Trash", h("div", { class: "toolbar" }, h("div", { class: "search" }, h("label", { for: "trash-kind" }, "Show"), filter)), table, empty);
}
