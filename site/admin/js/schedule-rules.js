// The schedule's conflict rules as the editor checks them while a session is dragged, before the
// drop: the five rules of domain/schedule_conflicts.py (room_overlap, speaker_overlap,
// speaker_unavailable, outside_event, block_overlap), in the same conflict shape. The server stays
// the judge: its `conflicts` replace these after every write. Sessions are indexed per room and per
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
 * blocks: [{id, title, block_type, room_ids, start, end}]; event: {start, end} (ms or null).
 */
export function indexSchedule({ sessions, speakers, rooms, blocks = [], event = {} }) {
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

const speakerName = (index, id) => index.speakers.get(id)?.name || id;
const roomName = (index, id) => index.rooms.get(id) || id;

/** The conflicts of `candidate` (a session, possibly at a place it is only dragged to). */
export function conflictsAt(index, candidate) {
  if (!counts(candidate)) return [];
  const found = [];
  const room = roomName(index, candidate.room_id);
  for (const other of index.byRoom.get(candidate.room_id) || []) {
    if (other.id !== candidate.id && overlap(candidate, other)) {
      found.push({ rule: "room_overlap", message: `“${candidate.title}” and “${other.title}” overlap in ${room}.`,
        session_ids: [candidate.id, other.id], room_id: candidate.room_id });
    }
  }
  for (const speakerId of new Set(candidate.speaker_ids || [])) {
    const name = speakerName(index, speakerId);
    for (const other of index.bySpeaker.get(speakerId) || []) {
      if (other.id !== candidate.id && overlap(candidate, other)) {
        found.push({ rule: "speaker_overlap", message: `${name} speaks in “${candidate.title}” and “${other.title}” at once.`,
          session_ids: [candidate.id, other.id], speaker_ids: [speakerId] });
      }
    }
    const ranges = index.availability.get(speakerId) || [];
    if (ranges.length && !ranges.some((r) => r.start <= candidate.start && candidate.end <= r.end)) {
      found.push({ rule: "speaker_unavailable", message: `${name} is not available for all of “${candidate.title}”.`,
        session_ids: [candidate.id], speaker_ids: [speakerId] });
    }
  }
  const { start, end } = index.event;
  if (start !== null && start !== undefined && end !== null && end !== undefined
    && (candidate.start < start || candidate.end > end)) {
    found.push({ rule: "outside_event", message: `“${candidate.title}” is outside the event's dates and times.`,
      session_ids: [candidate.id] });
  }
  for (const block of index.blocks) {
    const inRoom = !block.room_ids.length || block.room_ids.includes(candidate.room_id);
    if (inRoom && overlap(candidate, block)) {
      found.push({ rule: "block_overlap", message: `“${candidate.title}” overlaps the ${block.block_type} “${block.title}” in ${room}.`,
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
