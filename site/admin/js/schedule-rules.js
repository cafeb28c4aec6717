// The schedule's conflict rules as the editor checks them while a session is dragged, before the
// drop: the five rules of domain/schedule_conflicts.py (room_overlap, speaker_overlap,
// speaker_unavailable, outside_event, block_overlap), in the same conflict shape and with the same
// words, so the drag panel and the list (the server's) never disagree. The server stays the judge:
// its `conflicts` replace these after every write. Sessions are indexed per room and per
// speaker, so checking one drop target reads that room's and those speakers' sessions, not all.

/** States whose sessions never conflict (as on the server). */
export const NOT_COUNTED = new Set(["rejected", "withdrawn", "canceled"]);

const overlap = (a, b) => a.start < b.end && b.start < a.end;
const counts = (s) => Boolean(s.room_id) && s.start !== null && s.end !== null && !NOT_COUNTED.has(s.state);

function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The index the rules read. sessions: [{id, title, room_id, start, end (ms), speaker_ids, state}];
 * speakers: Map id -> {name, availability: [{start, end}]}; rooms: Map id -> name;
 * blocks: [{id, title, block_type, room_ids, start, end}]; event: eventDays(...) (or null).
 */
export function indexSchedule({ sessions, speakers, rooms, blocks = [], event = null }) {
  const availability = new Map([...speakers].map(([id, speaker]) => [id, joined(speaker.availability || [])]));
  const byRoom = new Map();
  const bySpeaker = new Map();
  const counted = sessions.filter(counts);
  for (const session of counted) {
    push(byRoom, session.room_id, session);
    for (const speakerId of session.speaker_ids || []) push(bySpeaker, speakerId, session);
  }
  return { counted, byRoom, bySpeaker, availability, speakers, rooms, blocks, event };
}

/** Ranges joined where they touch or overlap: 9–12 and 12–15 hold a session at 11:30–12:30. */
function joined(ranges) {
  const merged = [];
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ start: range.start, end: range.end });
  }
  return merged;
}

const speakerName = (index, id) => index.speakers.get(id)?.name || `speaker ${id}`;
const roomName = (index, id) => index.rooms.get(id) || `room ${id}`;
/** A pair of sessions in id order (the server names and lists a pair so, whichever was moved). */
const inIdOrder = (x, y) => (x.id <= y.id ? [x, y] : [y, x]);

/**
 * The event's days as the server's outside_event rule reads them (domain/schedule_conflicts.py
 * event_days): from midnight of its first day to midnight after its last, in its time zone, so a
 * session at 08:30 on an event starting at 09:00 is within it. `clock` is the zone's wallClock;
 * null without dates.
 */
export function eventDays(startMs, endMs, clock) {
  if (startMs === null || startMs === undefined || endMs === null || endMs === undefined) return null;
  const first = clock.toWall(startMs).day;
  const last = clock.toWall(endMs).day;
  return { start: clock.toMs(first, 0), end: clock.toMs(last, 24 * 60), first, last };
}

/** The conflicts of `candidate` (a session, possibly at a place it is only dragged to). */
export function conflictsAt(index, candidate) {
  if (!counts(candidate)) return [];
  const found = [];
  const room = roomName(index, candidate.room_id);
  for (const other of index.byRoom.get(candidate.room_id) || []) {
    if (other.id !== candidate.id && overlap(candidate, other)) {
      const [a, b] = inIdOrder(candidate, other);
      found.push({ rule: "room_overlap", message: `“${a.title}” and “${b.title}” are in ${room} at the same time.`,
        session_ids: [a.id, b.id], room_id: candidate.room_id });
    }
  }
  // One conflict per pair of sessions naming every speaker they share, as the server says it.
  const shared = new Map();
  for (const speakerId of new Set(candidate.speaker_ids || [])) {
    for (const other of index.bySpeaker.get(speakerId) || []) {
      if (other.id !== candidate.id && overlap(candidate, other)) {
        if (!shared.has(other.id)) shared.set(other.id, { other, speakerIds: [] });
        shared.get(other.id).speakerIds.push(speakerId);
      }
    }
  }
  for (const { other, speakerIds } of shared.values()) {
    const [a, b] = inIdOrder(candidate, other);
    const ids = [...speakerIds].sort();
    const verb = ids.length === 1 ? "speaks" : "speak";
    found.push({ rule: "speaker_overlap", message: `${ids.map((id) => speakerName(index, id)).join(", ")} ${verb} in “${a.title}” and “${b.title}” at the same time.`,
      session_ids: [a.id, b.id], speaker_ids: ids });
  }
  for (const speakerId of new Set(candidate.speaker_ids || [])) {
    const name = speakerName(index, speakerId);
    const ranges = index.availability.get(speakerId) || [];
    if (ranges.length && !ranges.some((r) => r.start <= candidate.start && candidate.end <= r.end)) {
      found.push({ rule: "speaker_unavailable", message: `${name} is not available during “${candidate.title}”.`,
        session_ids: [candidate.id], speaker_ids: [speakerId] });
    }
  }
  const days = index.event;
  if (days && (candidate.start < days.start || candidate.end > days.end)) {
    found.push({ rule: "outside_event", message: `“${candidate.title}” is outside the event's days (${days.first} to ${days.last}).`,
      session_ids: [candidate.id] });
  }
  for (const block of index.blocks) {
    const inRoom = !block.room_ids.length || block.room_ids.includes(candidate.room_id);
    if (inRoom && overlap(candidate, block)) {
      const where = block.room_ids.length ? room : "all rooms";
      found.push({ rule: "block_overlap", message: `“${candidate.title}” overlaps the ${block.block_type} “${block.title}” (${where}).`,
        session_ids: [candidate.id], room_id: candidate.room_id, block_id: block.id });
    }
  }
  return found;
}

/** Every conflict of the schedule, each pair once. */
export function allConflicts(index) {
  const seen = new Set();
  const all = [];
  for (const session of index.counted) {
    for (const conflict of conflictsAt(index, session)) {
      const key = [conflict.rule, [...conflict.session_ids].sort().join(","), (conflict.speaker_ids || []).join(","), conflict.block_id || ""].join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(conflict);
    }
  }
  return all;
}
