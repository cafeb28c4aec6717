// Wall-clock arithmetic of the schedule editor: an instant <-> (day, minute of the day) in the
// event's zone. The grid converts hundreds of instants per render, so the zone's offset is cached
// per quarter hour (offsets change on quarter-hour boundaries) instead of asking Intl each time.
import { offsetMinutes, wallToIso, zoneOrUtc } from "./tz.js";

const QUARTER = 15 * 60000;
const DAY = 24 * 60 * 60000;

const pad = (n) => String(n).padStart(2, "0");

/** "HH:MM" of a minute of the day (1440 reads "24:00"). */
export const clockOf = (minute) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/** A converter for one zone: toWall(ms) -> {day: "YYYY-MM-DD", minute}, toMs(day, minute), iso(day, minute). */
export function wallClock(zone) {
  const tz = zoneOrUtc(zone || "UTC");
  const offsets = new Map();
  const offsetAt = (ms) => {
    const bucket = Math.floor(ms / QUARTER);
    let found = offsets.get(bucket);
    if (found === undefined) {
      found = offsetMinutes(tz, new Date(bucket * QUARTER));
      offsets.set(bucket, found);
    }
    return found;
  };
  const toWall = (ms) => {
    const local = ms + offsetAt(ms) * 60000;
    const midnight = Math.floor(local / DAY) * DAY;
    return { day: new Date(midnight).toISOString().slice(0, 10), minute: Math.round((local - midnight) / 60000) };
  };
  const toMs = (day, minute) => {
    const guess = Date.parse(`${day}T00:00:00Z`) + minute * 60000;
    const first = guess - offsetAt(guess) * 60000;
    return guess - offsetAt(first) * 60000;
  };
  const iso = (day, minute) => {
    // 24:00 is the next day's 00:00 (a session may end at midnight).
    const next = minute >= 1440 ? toWall(toMs(day, minute)) : { day, minute };
    return wallToIso(`${next.day}T${clockOf(next.minute)}`, tz);
  };
  return { zone: tz, toWall, toMs, iso };
}

/** The days from `first` to `last` ("YYYY-MM-DD"), both included (at most `limit`). */
export function daysBetween(first, last, limit = 60) {
  const days = [];
  for (let ms = Date.parse(`${first}T00:00:00Z`); days.length < limit; ms += DAY) {
    const day = new Date(ms).toISOString().slice(0, 10);
    if (day > last) break;
    days.push(day);
  }
  return days;
}
