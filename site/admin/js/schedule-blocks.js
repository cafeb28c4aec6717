// Breaks and blockers on the schedule editor: the form that adds one across chosen rooms or all
// rooms (room_ids [] means all), and the list to remove them. Uses the schedule-blocks routes;
// with an API that does not offer them the editor shows no blocks and this panel says so.
import { api, declares, listAll } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { state } from "./app.js";
import { showTime } from "./tz.js";

const ROUTE = "/events/{}/schedule-blocks";

/** The event's blocks as the editor reads them ([] when the API has no schedule-blocks route). */
export async function loadBlocks(ctx) {
  if (!declares(state.doc, "get", ROUTE)) return [];
  try {
    return await listAll(`${ctx.base}/schedule-blocks`);
  } catch (err) {
    if (err.status === 404) return [];
    throw err;
  }
}

/** The panel: add a break or blocker on `day` (or another of `days`), list and remove them. */
export function blocksPanel({ ctx, rooms, days, day, blocks, clock, onChange }) {
  if (!declares(state.doc, "post", ROUTE)) {
    return h("p", { class: "hint" }, "Breaks and blockers need a newer API; this one does not offer them.");
  }
  const ids = { title: uid("block-title"), type: uid("block-type"), day: uid("block-day"), from: uid("block-from"), to: uid("block-to") };
  const all = h("input", { type: "checkbox", id: uid("block-all"), checked: true });
  const roomBoxes = rooms.map((room) => ({ room, box: h("input", { type: "checkbox", id: uid("block-room"), value: room.id }) }));
  const syncAll = () => roomBoxes.forEach(({ box }) => { box.disabled = all.checked; });
  all.addEventListener("change", syncAll);
  syncAll();
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "sg-block-form", "aria-label": "Add a break or blocker", onsubmit: async (event) => {
    event.preventDefault();
    const value = (name) => form.querySelector(`#${ids[name]}`).value;
    const minutes = (text) => { const [hh, mm] = text.split(":").map(Number); return hh * 60 + mm; };
    const body = {
      title: value("title").trim(), block_type: value("type"),
      room_ids: all.checked ? [] : roomBoxes.filter(({ box }) => box.checked).map(({ room }) => room.id),
      starts_at: clock.iso(value("day"), minutes(value("from"))), ends_at: clock.iso(value("day"), minutes(value("to"))),
    };
    try {
      await api("POST", `${ctx.base}/schedule-blocks`, { body });
      announce(`${body.block_type === "break" ? "Break" : "Blocker"} “${body.title}” added.`);
      onChange();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  } },
  h("div", { class: "field" }, h("label", { for: ids.title }, "Title"), h("input", { id: ids.title, required: true, maxlength: "200", value: "Lunch" })),
  h("div", { class: "field" }, h("label", { for: ids.type }, "Kind"),
    h("select", { id: ids.type }, h("option", { value: "break" }, "Break (public)"), h("option", { value: "blocker" }, "Blocker (organizers only)"))),
  h("div", { class: "field" }, h("label", { for: ids.day }, "Day"),
    h("select", { id: ids.day }, days.map((d) => h("option", { value: d, selected: d === day }, d)))),
  h("div", { class: "field" }, h("label", { for: ids.from }, `From (${clock.zone})`), h("input", { id: ids.from, type: "time", required: true, value: "12:00" })),
  h("div", { class: "field" }, h("label", { for: ids.to }, `To (${clock.zone})`), h("input", { id: ids.to, type: "time", required: true, value: "13:00" })),
  h("fieldset", { class: "choices" }, h("legend", {}, "Rooms"),
    h("span", { class: "choice" }, all, h("label", { for: all.id }, "All rooms")),
    roomBoxes.map(({ room, box }) => h("span", { class: "choice" }, box, h("label", { for: box.id }, room.name)))),
  error,
  h("button", { type: "submit", class: "primary" }, "Add"));
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const list = h("ul", { class: "sg-block-list" }, blocks.map((block) => h("li", {},
    `${block.title} (${block.block_type}), ${showTime(block.starts_at, clock.zone)} – ${showTime(block.ends_at, clock.zone)}, `,
    block.room_ids.length ? block.room_ids.map((id) => roomName.get(id) || id).join(", ") : "all rooms", " ",
    h("button", { type: "button", class: "link", onclick: async () => {
      try {
        await api("DELETE", `${ctx.base}/schedule-blocks/${block.id}`);
        announce(`“${block.title}” removed.`);
        onChange();
      } catch (err) {
        announce(err.message, "error");
      }
    } }, `Remove ${block.title}`))));
  return h("details", { class: "sg-blocks" }, h("summary", {}, `Breaks and blockers (${blocks.length})`), form, list);
}
