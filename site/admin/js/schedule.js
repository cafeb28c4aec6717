// The schedule editor (#24): a time grid per day (rooms as columns), a side list of accepted and
// confirmed sessions not yet scheduled, moves by pointer or keyboard (schedule-moves.js),
// conflicts checked while dragging (schedule-rules.js) and replaced by the server's after each
// write, breaks and blockers (schedule-blocks.js), and undo of the last moves. Every move is a
// PATCH with the session's version: a 409 redraws the session where it is now and says so.
import { api, declares, listAll } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { page, state } from "./app.js";
import { clockOf, daysBetween, wallClock } from "./schedule-time.js";
import { dayGrid, dayRange, placeCard, sessionCard } from "./schedule-grid.js";
import { attachMoves } from "./schedule-moves.js";
import { allConflicts, conflictsAt, eventDays as eventSpan, indexSchedule, NOT_COUNTED } from "./schedule-rules.js";
import { blocksPanel, loadBlocks } from "./schedule-blocks.js";

const STEPS = [5, 15, 30, 60];
const SCHEDULABLE = new Set(["accepted", "confirmed"]);
const DEFAULT_LENGTH = 30;
const UNDO_DEPTH = 50;
const CONFLICTS_ROUTE = "/events/{}/schedule/conflicts";
const DRAFT_ROUTE = "/events/{}/schedule/draft-changes";
// The chosen grid step outlives one render of the view (module state on purpose).
let step = 15;

const instant = (iso) => (iso ? Date.parse(iso) : null);
const dayLabel = (day) => new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })
  .format(new Date(`${day}T12:00:00Z`));

async function loadSchedule(ctx) {
  const [sessions, rooms, speakers, types, blocks] = await Promise.all([
    ...["sessions", "rooms", "speakers", "session-types"].map((path) => listAll(`${ctx.base}/${path}`)),
    loadBlocks(ctx),
  ]);
  rooms.sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || String(a.name).localeCompare(String(b.name)));
  return { sessions, rooms, speakers, types, blocks };
}

export async function scheduleView(ctx, subnav) {
  const data = await loadSchedule(ctx);
  const editor = scheduleEditor(ctx, data);
  page(`Schedule · ${ctx.event.name}`, subnav, editor.root);
  await editor.refreshConflicts();
}

function scheduleEditor(ctx, data) {
  const clock = wallClock(ctx.zone);
  const lengths = new Map(data.types.map((t) => [t.id, t.length_minutes]));
  const rooms = data.rooms.map((r) => ({ id: r.id, name: r.name || r.id }));
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const speakers = new Map(data.speakers.map((s) => [s.id, {
    name: s.name, availability: (s.availability || []).map((r) => ({ start: instant(r.starts_at), end: instant(r.ends_at) })),
  }]));
  const event = { start: instant(ctx.event.starts_at), end: instant(ctx.event.ends_at) };
  // Where a timed item sits on the grid: its day and minutes in the event's zone.
  const withWall = (item) => {
    if (item.start === null) return { ...item, wall: null };
    const at = clock.toWall(item.start);
    return { ...item, wall: { day: at.day, from: at.minute, to: at.minute + Math.round((item.end - item.start) / 60000) } };
  };
  const normalize = (raw) => {
    const start = instant(raw.starts_at);
    const end = instant(raw.ends_at);
    const timed = start !== null && end !== null && end > start;
    return withWall({
      id: raw.id, title: raw.title || raw.id, room_id: raw.room_id || null, state: raw.state, version: raw.version,
      speaker_ids: raw.speaker_ids || [], start: timed ? start : null, end: timed ? end : null,
      who: (raw.speaker_ids || []).map((id) => speakers.get(id)?.name).filter(Boolean).join(", "),
      length: timed ? Math.round((end - start) / 60000) : lengths.get(raw.session_type_id) || DEFAULT_LENGTH,
    });
  };
  const sessions = new Map(data.sessions.map((raw) => [raw.id, normalize(raw)]));
  let blocks = [];
  const setBlocks = (list) => {
    blocks = list.map((b) => withWall({ id: b.id, title: b.title, block_type: b.block_type, room_ids: b.room_ids || [],
      starts_at: b.starts_at, ends_at: b.ends_at, start: instant(b.starts_at), end: instant(b.ends_at) }));
  };
  setBlocks(data.blocks);
  let index = null;
  // The event's days as the rules read them (midnight to midnight in its zone, as on the server).
  const span = eventSpan(event.start, event.end, clock);
  const reindex = () => { index = indexSchedule({ sessions: [...sessions.values()], speakers, rooms: roomName, blocks, event: span }); };
  reindex();

  const placed = (s) => s.wall && s.room_id && roomName.has(s.room_id) && !NOT_COUNTED.has(s.state);
  const eventDays = event.start !== null && event.end !== null
    ? daysBetween(clock.toWall(event.start).day, clock.toWall(event.end - 1).day) : [];
  const days = [...new Set([...eventDays, ...[...sessions.values()].filter(placed).map((s) => s.wall.day)])].sort();
  if (!days.length) days.push(clock.toWall(Date.now()).day);
  let day = days[0];
  let range = { from: 8 * 60, to: 20 * 60 };
  let conflicts = [];
  let serverConflicts = declares(state.doc, "get", CONFLICTS_ROUTE);
  const undoStack = [];
  let writing = Promise.resolve();
  let carried = null;
  let columnsById = new Map();
  let cardsById = new Map();
  let involved = [];

  // -- the page's parts -----------------------------------------------------------------------
  const helpText = h("p", { id: "sg-help", class: "hint" },
    "Drag a session from the list onto a room and a time, drag a card to move it (over a day's button for another day), ",
    "drag its bottom edge to change its length. ",
    "Keyboard: focus a session, Space or Enter picks it up, arrow keys move it by a grid step or a room, ",
    "Shift with Up or Down changes its length, Page Up or Down moves it a day, Delete takes it off the grid (as does dragging it onto the list), ",
    "Enter drops, Escape cancels; Ctrl+Z undoes the last move.");
  const dayButtons = h("div", { class: "sg-days", role: "group", "aria-label": "Days" });
  const stepId = uid("grid-step");
  const stepSelect = h("select", { id: stepId, onchange: () => { step = Number(stepSelect.value); render(); } },
    STEPS.map((minutes) => h("option", { value: String(minutes), selected: minutes === step }, `${minutes} min`)));
  const undoButton = h("button", { type: "button", onclick: () => undo() });
  // In manual mode the public schedule shows the last release: say how much the grid is ahead of
  // it, and lead to the Releases view that releases it.
  const draftLink = h("a", { class: "sg-draft", href: `#${ctx.base}/releases`, hidden: true });
  const tracksDraft = ctx.event.schedule_mode === "manual" && declares(state.doc, "get", DRAFT_ROUTE);
  const conflictHeading = h("h2", { id: uid("conflicts") });
  // Focusable: a long list scrolls in its box, and keyboard users must be able to scroll it.
  const conflictList = h("ul", { class: "sg-conflict-list", tabindex: "0", "aria-labelledby": conflictHeading.id });
  const dragPanel = h("div", { class: "sg-drag", hidden: true });
  const side = h("ul", { class: "sg-unscheduled", "aria-label": "Not scheduled yet" });
  const sideHeading = h("h2", {});
  const gridHolder = h("div", { class: "sg-main" });
  const blocksHolder = h("div", {});
  const root = h("div", { class: "sg-editor" },
    helpText,
    h("div", { class: "sg-toolbar" }, dayButtons,
      h("span", { class: "sg-step" }, h("label", { for: stepId }, "Grid step"), stepSelect), undoButton, draftLink),
    h("section", { class: "sg-conflicts", "aria-labelledby": conflictHeading.id }, conflictHeading, conflictList),
    blocksHolder,
    dragPanel,
    h("div", { class: "sg-layout" }, h("aside", { class: "sg-side" }, sideHeading, side), gridHolder));

  // -- drawing --------------------------------------------------------------------------------
  const conflicted = () => new Set(conflicts.flatMap((c) => c.session_ids || []));
  const inRange = (wall) => ({ from: Math.max(wall.from, range.from), to: Math.min(wall.to, range.to) });

  function render() {
    if (!moves?.carrying()) draw();  // else redrawn when the carried session is dropped
  }

  function draw() {
    const focusedId = document.activeElement?.closest?.(".sg-session")?.dataset.id;
    const ofDay = [...sessions.values()].filter((s) => placed(s) && s.wall.day === day);
    const blocksOfDay = blocks.filter((b) => b.wall && b.wall.day === day);
    range = dayRange([...ofDay, ...blocksOfDay].map((item) => item.wall));
    const marked = conflicted();
    gridHolder.replaceChildren(rooms.length
      ? dayGrid({ day, rooms, range, step, conflicted: marked,
        placed: ofDay.map((session) => ({ session, wall: inRange(session.wall) })),
        blocks: blocksOfDay.map((block) => ({ block, wall: inRange(block.wall) })) })
      : h("p", {}, "Add rooms to the event to schedule its sessions."));
    columnsById = new Map([...gridHolder.querySelectorAll(".sg-col")].map((c) => [c.dataset.room, c]));
    cardsById = new Map([...gridHolder.querySelectorAll(".sg-col .sg-session")].map((c) => [c.dataset.id, c]));
    involved = [];
    const waiting = [...sessions.values()].filter((s) => SCHEDULABLE.has(s.state) && !placed(s))
      .sort((a, b) => a.title.localeCompare(b.title));
    sideHeading.textContent = `Not scheduled (${waiting.length})`;
    side.replaceChildren(...(waiting.length
      ? waiting.map((s) => h("li", {}, sessionCard(s, { wall: null, conflicted: false })))
      : [h("li", { class: "hint" }, "Every accepted session has a place.")]));
    dayButtons.replaceChildren(...days.map((d) => h("button", { type: "button", "aria-pressed": d === day ? "true" : "false", "data-day": d,
      onclick: () => { day = d; render(); } }, dayLabel(d))));
    undoButton.textContent = undoStack.length ? `Undo (${undoStack.length})` : "Undo";
    undoButton.disabled = !undoStack.length;
    conflictHeading.textContent = `Conflicts: ${conflicts.length}`;
    conflictList.replaceChildren(...conflicts.map((c) => h("li", { class: `sg-rule-${c.rule}` }, c.message)));
    if (focusedId) root.querySelector(`.sg-session[data-id="${CSS.escape(focusedId)}"]`)?.focus({ preventScroll: true });
  }

  async function refreshDraft() {
    if (!tracksDraft) return;
    try {
      const { count } = await api("GET", `${ctx.base}/schedule/draft-changes`);
      draftLink.textContent = count === 1 ? "1 unreleased change" : `${count} unreleased changes`;
      draftLink.hidden = false;
    } catch (err) {
      draftLink.hidden = true;
      announce(`Unreleased changes could not be counted (${err.message}).`, "warning");
    }
  }

  async function refreshConflicts() {
    const draft = refreshDraft();  // read alongside the conflicts, after every write
    if (serverConflicts) {
      try {
        conflicts = (await api("GET", `${ctx.base}/schedule/conflicts`)).items || [];
      } catch (err) {
        if (err.status !== 404) announce(`Conflicts could not be read from the server (${err.message}); shown as this page finds them.`, "warning");
        serverConflicts = false;
      }
    }
    if (!serverConflicts) conflicts = allConflicts(index);
    render();
    await draft;
  }

  // -- moving ---------------------------------------------------------------------------------
  const where = (wall) => `${roomName.get(wall.room_id)}, ${clockOf(wall.from)}–${clockOf(wall.to)}`;
  const isoOf = (ms) => {
    const at = clock.toWall(ms);
    return clock.iso(at.day, at.minute);
  };

  function preview(id, wall, how) {
    const session = sessions.get(id);
    if (!carried) {
      const card = gridHolder.querySelector(`.sg-col .sg-session[data-id="${CSS.escape(id)}"]`)
        || sessionCard(session, { wall: wall || { from: range.from, to: range.from + session.length }, range, roomLabel: "", conflicted: false });
      card.classList.add("sg-carried");
      side.querySelector(`.sg-session[data-id="${CSS.escape(id)}"]`)?.classList.add("sg-lifted");
      carried = { id, card };
    }
    const { card } = carried;
    dragPanel.hidden = false;
    if (!wall) {
      card.hidden = true;
      markInvolved(id, []);
      dragPanel.replaceChildren(h("p", {}, how === "unschedule"
        ? `Drop to take “${session.title}” off the grid.` : `Drop “${session.title}” onto a room and a time.`));
      return card;
    }
    card.hidden = false;
    const column = columnsById.get(wall.room_id);
    if (card.parentNode !== column) column.append(card);
    placeCard(card, wall, range);
    card.querySelector(".sg-when").textContent = `${clockOf(wall.from)}–${clockOf(wall.to)}`;
    const found = conflictsAt(index, { ...session, room_id: wall.room_id, start: clock.toMs(day, wall.from), end: clock.toMs(day, wall.to) });
    card.classList.toggle("sg-conflict", found.length > 0);
    markInvolved(id, found);
    const summary = `“${session.title}” at ${where(wall)}: ${found.length ? `${found.length} conflict${found.length > 1 ? "s" : ""}` : "no conflicts"}`;
    dragPanel.replaceChildren(h("p", {}, summary), found.length ? h("ul", {}, found.map((c) => h("li", { class: `sg-rule-${c.rule}` }, c.message))) : null);
    if (how === "pickup") {
      announce(`Picked up “${session.title}” at ${where(wall)}. Arrow keys move it by ${step} minutes or a room, Shift with Up or Down changes its length, Enter drops, Escape cancels.`);
    } else if (how === "keys" || how === "day") {
      const at = how === "day" ? `${dayLabel(day)}, ${where(wall)}` : where(wall);
      announce(`${at}. ${found.map((c) => c.message).join(" ")}`.trim());
    }
    return card;
  }

  /** Outline the sessions the carried one would conflict with at its drop target. */
  function markInvolved(id, found) {
    for (const other of involved) other.classList.remove("sg-involved");
    involved = found.flatMap((c) => c.session_ids).filter((other) => other !== id)
      .map((other) => cardsById.get(other)).filter(Boolean);
    for (const other of involved) other.classList.add("sg-involved");
  }

  function endCarry() {
    carried = null;
    dragPanel.hidden = true;
  }

  function cancel(id) {
    endCarry();
    render();
    announce(`“${sessions.get(id).title}” stays where it was.`);
  }

  /** Show the next (1) or previous (-1) day while a session is carried by keyboard. */
  function shiftDay(delta) {
    const at = days.indexOf(day) + delta;
    return at >= 0 && at < days.length && showDay(days[at]);
  }

  /** Show `wanted`'s grid while a session is carried (its card is drawn again on it). */
  function showDay(wanted) {
    if (wanted === day || !days.includes(wanted)) return false;
    day = wanted;
    carried = null;
    draw();
    return true;
  }

  function unschedule(id) {
    endCarry();
    if (!placed(sessions.get(id))) return cancel(id);
    return save(id, null, { undoing: false });
  }

  function drop(id, wall) {
    const session = sessions.get(id);
    const place = { room_id: wall.room_id, start: clock.toMs(day, wall.from), end: clock.toMs(day, wall.to) };
    if (session.room_id === place.room_id && session.start === place.start && session.end === place.end) return cancel(id);
    endCarry();
    return save(id, place, { undoing: false });
  }

  const placeOf = (s) => (s.room_id && s.start !== null ? { room_id: s.room_id, start: s.start, end: s.end } : null);
  const store = (raw) => {
    sessions.set(raw.id, normalize(raw));
    reindex();
  };
  const apply = (id, place) => {
    const s = sessions.get(id);
    sessions.set(id, withWall({ ...s, room_id: place ? place.room_id : null, start: place ? place.start : null, end: place ? place.end : null }));
    reindex();
  };

  /** Write `place` (null: unscheduled) for session `id` with its version; the grid shows it at once. */
  function save(id, place, { undoing }) {
    const before = placeOf(sessions.get(id));
    apply(id, place);
    render();
    // Writes go one after another, so a quick second move of a session sends the version the
    // first one's answer brought, not the one both started from (a needless 409).
    writing = writing.then(() => write(id, place, before, { undoing })).catch((err) => announce(err.message, "error"));
    return writing;
  }

  async function write(id, place, before, { undoing }) {
    const body = { room_id: place ? place.room_id : null, starts_at: place ? isoOf(place.start) : null,
      ends_at: place ? isoOf(place.end) : null, version: sessions.get(id).version };
    try {
      const saved = await api("PATCH", `${ctx.base}/sessions/${id}`, { body });
      store(saved);
      if (!undoing) {
        undoStack.push({ id, before });
        if (undoStack.length > UNDO_DEPTH) undoStack.shift();
      }
      const problems = (saved.conflicts || []).map((c) => c.message);
      const said = problems.length ? problems : saved.warnings || [];
      const moved = sessions.get(id);
      const at = placed(moved) ? `${roomName.get(moved.room_id)}, ${showWall(moved.wall)}` : "not scheduled";
      announce(`${undoing ? "Undone" : "Saved"}: “${moved.title}” ${at}.${said.length ? ` ${said.length} conflict${said.length > 1 ? "s" : ""}: ${said.join(" ")}` : ""}`,
        said.length ? "warning" : "info");
    } catch (err) {
      if (err.status === 409) {
        store(err.current?.id === id ? err.current : await api("GET", `${ctx.base}/sessions/${id}`));
        // Someone else's change overtook this page's moves of the session: undoing them would undo theirs.
        for (let at = undoStack.length - 1; at >= 0; at -= 1) if (undoStack[at].id === id) undoStack.splice(at, 1);
        const now = sessions.get(id);
        const at = placed(now) ? `${roomName.get(now.room_id)}, ${showWall(now.wall)}` : "not scheduled";
        announce(`“${now.title}” was changed by someone else meanwhile; it is shown where it is now (${at}). Move it again if you still want to.`, "error");
      } else {
        apply(id, before);
        announce(err.message, "error");
      }
    }
    await refreshConflicts();
  }

  const showWall = (wall) => `${dayLabel(wall.day)} ${clockOf(wall.from)}–${clockOf(wall.to)}`;

  async function undo() {
    const last = undoStack.pop();
    if (!last || moves?.carrying()) return;
    await save(last.id, last.before, { undoing: true });
  }

  let moves = null;
  if (ctx.mayEdit) {
    moves = attachMoves(root, {
      wallOf: (id) => {
        const s = sessions.get(id);
        return placed(s) && s.wall.day === day ? { room_id: s.room_id, ...inRange(s.wall) } : null;
      },
      firstSlot: (id) => ({ room_id: rooms[0]?.id, from: range.from, to: Math.min(range.from + sessions.get(id).length, range.to) }),
      lengthOf: (id) => sessions.get(id).length,
      rooms: () => rooms.map((r) => r.id),
      range: () => range,
      step: () => step,
      columns: () => [...columnsById.values()],
      shiftDay, showDay, preview, drop, unschedule, cancel,
    });
    root.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "z" && !moves.carrying()) {
        event.preventDefault();
        undo();
      }
    });
  } else {
    helpText.textContent = "You may read the schedule; organizers move sessions.";
  }

  const drawBlocks = () => blocksHolder.replaceChildren(ctx.mayEdit
    ? blocksPanel({ ctx, rooms, days, day, blocks, clock, onChange: async () => {
      setBlocks(await loadBlocks(ctx));
      reindex();
      drawBlocks();
      await refreshConflicts();
    } })
    : "");
  drawBlocks();
  render();
  return { root, refreshConflicts };
}
