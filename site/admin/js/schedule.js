// The schedule editor: sessions by day and room; drag a session onto a room, or pick its
// room and times; room and speaker overlaps are flagged on both sessions.
import { api, listAll } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { page } from "./app.js";
import { isoToWall, showTime, wallToIso } from "./tz.js";

const overlaps = (a, b) => a.starts_at && a.ends_at && b.starts_at && b.ends_at
  && Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

/** session id -> list of readable warnings. */
export function conflictsOf(sessions, speakerNames) {
  const found = new Map(sessions.map((s) => [s.id, []]));
  for (let i = 0; i < sessions.length; i += 1) {
    for (let j = i + 1; j < sessions.length; j += 1) {
      const [a, b] = [sessions[i], sessions[j]];
      if (!overlaps(a, b)) continue;
      if (a.room_id && a.room_id === b.room_id) {
        found.get(a.id).push(`Room overlap with “${b.title}”`);
        found.get(b.id).push(`Room overlap with “${a.title}”`);
      }
      const shared = (a.speaker_ids || []).filter((id) => (b.speaker_ids || []).includes(id));
      if (shared.length) {
        const names = shared.map((id) => speakerNames.get(id) || id).join(", ");
        found.get(a.id).push(`Speaker overlap (${names}) with “${b.title}”`);
        found.get(b.id).push(`Speaker overlap (${names}) with “${a.title}”`);
      }
    }
  }
  return found;
}

export async function scheduleView(ctx, subnav) {
  const [sessions, rooms, speakers] = await Promise.all(
    ["sessions", "rooms", "speakers"].map((path) => listAll(`${ctx.base}/${path}`)));
  const scheduled = sessions.filter((s) => !["rejected", "withdrawn", "canceled"].includes(s.state));
  const speakerNames = new Map(speakers.map((s) => [s.id, s.name]));
  const warnings = conflictsOf(scheduled, speakerNames);
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));

  const save = async (session, changes) => {
    try {
      const saved = await api("PATCH", `${ctx.base}/sessions/${session.id}`, { body: { ...changes, version: session.version } });
      announce(`“${saved.title}” moved to ${roomName.get(saved.room_id) || "no room"}, ${showTime(saved.starts_at, ctx.zone)}.`);
      scheduleView(ctx, subnav);
    } catch (err) {
      announce(err.status === 409 ? `“${session.title}” changed meanwhile; the schedule was reloaded.` : err.message, "error");
      if (err.status === 409) scheduleView(ctx, subnav);
    }
  };

  const card = (session) => {
    const roomId = uid("room");
    const startId = uid("start");
    const endId = uid("end");
    const room = h("select", { id: roomId }, h("option", { value: "" }, "— no room —"),
      rooms.map((r) => h("option", { value: r.id, selected: r.id === session.room_id }, r.name)));
    const start = h("input", { id: startId, type: "datetime-local", value: isoToWall(session.starts_at, ctx.zone) });
    const end = h("input", { id: endId, type: "datetime-local", value: isoToWall(session.ends_at, ctx.zone) });
    const problems = warnings.get(session.id) || [];
    return h("li", { class: problems.length ? "slot conflict" : "slot", draggable: "true", "data-id": session.id,
      ondragstart: (event) => event.dataTransfer.setData("text/plain", session.id) },
    h("h3", {}, session.title),
    h("p", { class: "when" }, `${showTime(session.starts_at, ctx.zone)} – ${showTime(session.ends_at, ctx.zone)}`),
    problems.length ? h("ul", { class: "warnings", "aria-label": `Overlaps of ${session.title}` }, problems.map((p) => h("li", {}, p))) : null,
    h("details", {}, h("summary", {}, `Move ${session.title}`),
      h("form", { class: "move", onsubmit: (event) => {
        event.preventDefault();
        save(session, { room_id: room.value || null, starts_at: wallToIso(start.value, ctx.zone), ends_at: wallToIso(end.value, ctx.zone) });
      } },
      h("label", { for: roomId }, "Room"), room,
      h("label", { for: startId }, `Starts (${ctx.zone})`), start,
      h("label", { for: endId }, `Ends (${ctx.zone})`), end,
      h("button", { type: "submit" }, "Move"))));
  };

  const dayOf = (s) => (s.starts_at ? isoToWall(s.starts_at, ctx.zone).slice(0, 10) : "unscheduled");
  const days = [...new Set(scheduled.map(dayOf))].sort();
  const column = (roomId, label, items) => h("section", { class: "room-column", "data-room": roomId || "",
    ondragover: (event) => event.preventDefault(),
    ondrop: (event) => {
      event.preventDefault();
      const session = scheduled.find((s) => s.id === event.dataTransfer.getData("text/plain"));
      if (session && session.room_id !== (roomId || null)) save(session, { room_id: roomId || null });
    } },
  h("h3", {}, label), h("ul", { class: "slots" }, items.sort((a, b) => (a.starts_at || "").localeCompare(b.starts_at || "")).map(card)));

  const dayBlocks = days.map((day) => {
    const ofDay = scheduled.filter((s) => dayOf(s) === day);
    return h("section", { class: "day", "aria-label": day }, h("h2", {}, day === "unscheduled" ? "Not scheduled yet" : day),
      h("div", { class: "grid" },
        rooms.map((r) => column(r.id, r.name, ofDay.filter((s) => s.room_id === r.id))),
        column("", "No room", ofDay.filter((s) => !s.room_id || !roomName.has(s.room_id)))));
  });
  const total = [...warnings.values()].filter((list) => list.length).length;
  page(`Schedule · ${ctx.event.name}`, subnav,
    h("p", { class: total ? "warning" : "" }, total ? `${total} sessions overlap in a room or for a speaker.` : "No overlaps."),
    h("p", { class: "hint" }, "Drag a session onto a room, or open “Move” to pick its room and times."),
    dayBlocks.length ? dayBlocks : h("p", {}, "No sessions yet."));
}
