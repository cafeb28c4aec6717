// The schedule editor's time grid of one day: rooms as columns, time as rows, sessions and breaks
// placed by their minutes. Only the shown day is built (a 600-session event draws a few hundred
// cards); geometry (pointer <-> room and minute) is read from the columns, not from the cards.
import { h } from "./dom.js";
import { clockOf } from "./schedule-time.js";

/** Pixels per minute of the grid (a 15-minute row is 30 px at every grid step). */
export const PPM = 2;
const DEFAULT_FROM = 8 * 60;
const DEFAULT_TO = 20 * 60;

/** The minutes the day's grid spans: 08:00–20:00, widened to whole hours around what it holds. */
export function dayRange(wallItems) {
  let from = DEFAULT_FROM;
  let to = DEFAULT_TO;
  for (const item of wallItems) {
    from = Math.min(from, Math.floor(item.from / 60) * 60);
    to = Math.max(to, Math.ceil(item.to / 60) * 60);
  }
  return { from: Math.max(0, from), to: Math.min(24 * 60, to) };
}

/** A session's card; `wall` is {from, to} minutes of the shown day, or null in the side list. */
export function sessionCard(session, { wall, range, conflicted, roomLabel, lane = 0 }) {
  const when = wall ? `${clockOf(wall.from)}–${clockOf(wall.to)}` : `${session.length} min`;
  const where = wall ? `${roomLabel}, ${when}` : `not scheduled, ${when}`;
  const card = h("div", {
    class: `sg-session${wall ? "" : " sg-unplaced"}${conflicted ? " sg-conflict" : ""}`,
    role: "button", tabindex: "0", "data-id": session.id, "aria-describedby": "sg-help",
    "aria-label": `${session.title}, ${where}${conflicted ? ", has conflicts" : ""}`,
  },
  h("span", { class: "sg-title" }, session.title),
  h("span", { class: "sg-when" }, conflicted ? `⚠ ${when}` : when),
  session.who ? h("span", { class: "sg-who" }, session.who) : null,
  wall ? h("span", { class: "sg-resize", title: "Drag to change the length" }) : null);
  if (wall) placeCard(card, wall, range, lane);
  return card;
}

/** Position a card at `wall` minutes within the day's `range`. */
export function placeCard(card, wall, range, lane = 0) {
  card.style.top = `${(wall.from - range.from) * PPM}px`;
  card.style.height = `${Math.max(wall.to - wall.from, 5) * PPM}px`;
  card.style.left = lane ? `${Math.min(lane, 3) * 0.75}rem` : "";
}

/** Lanes of a column's cards so overlapping ones stay visible (greedy, by start). */
function lanesOf(walls) {
  const ends = [];
  const lanes = new Map();
  for (const { id, from, to } of [...walls].sort((a, b) => a.from - b.from)) {
    let lane = ends.findIndex((end) => end <= from);
    if (lane < 0) lane = ends.length;
    ends[lane] = to;
    lanes.set(id, lane);
  }
  return lanes;
}

/**
 * The grid of one day. rooms: [{id, name}]; placed: [{session, wall}] of the day; blocks:
 * [{block, wall}] of the day; conflicted: Set of session ids.
 */
export function dayGrid({ day, rooms, placed, blocks, conflicted, range, step }) {
  const height = (range.to - range.from) * PPM;
  const times = h("div", { class: "sg-times", "aria-hidden": "true", style: `height:${height}px` });
  for (let minute = Math.ceil(range.from / 60) * 60; minute < range.to; minute += 60) {
    times.append(h("span", { style: `top:${(minute - range.from) * PPM}px` }, clockOf(minute)));
  }
  const byRoom = new Map(rooms.map((r) => [r.id, []]));
  for (const entry of placed) byRoom.get(entry.session.room_id)?.push(entry);
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const columns = rooms.map((room) => {
    const entries = byRoom.get(room.id);
    const lanes = lanesOf(entries.map(({ session, wall }) => ({ id: session.id, ...wall })));
    const column = h("div", { class: "sg-col", "data-room": room.id, style: `height:${height}px` });
    for (const { block, wall } of blocks) {
      if (block.room_ids.length && !block.room_ids.includes(room.id)) continue;
      const mark = h("div", { class: `sg-block sg-${block.block_type}`, "data-block": block.id },
        h("span", {}, `${block.title} (${block.block_type}) ${clockOf(wall.from)}–${clockOf(wall.to)}`));
      placeCard(mark, wall, range);
      column.append(mark);
    }
    for (const { session, wall } of entries) {
      column.append(sessionCard(session, { wall, range, roomLabel: roomName.get(room.id), conflicted: conflicted.has(session.id), lane: lanes.get(session.id) }));
    }
    return column;
  });
  return h("div", { class: "sg-scroll", role: "region", tabindex: "0", "aria-label": `Time grid of ${day}` },
    h("div", { class: "sg-grid", style: `--rooms:${rooms.length};--step-px:${step * PPM}px` },
      h("div", { class: "sg-corner" }, "Time"),
      rooms.map((room) => h("div", { class: "sg-room-head" }, room.name)),
      times,
      columns));
}

/**
 * Where a pointer is on the grid: the room column under it and the minute (snapped to `step`),
 * or null outside the columns. `columns` are the grid's .sg-col elements.
 */
export function pointAt(columns, range, step, clientX, clientY, offsetMinutes = 0) {
  for (const column of columns) {
    const box = column.getBoundingClientRect();
    if (clientX < box.left || clientX >= box.right) continue;
    const raw = range.from + (clientY - box.top) / PPM - offsetMinutes;
    return { room_id: column.dataset.room, minute: Math.round(raw / step) * step };
  }
  return null;
}
