// Wall-clock times in an event's time zone <-> ISO 8601 instants with offset.

/** Minutes east of UTC that `zone` is at the instant `date`. */
export function offsetMinutes(zone, date) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

function formatOffset(minutes) {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function zoneOrUtc(zone) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

/** "2026-03-22T09:00" (wall time in `zone`) -> "2026-03-22T09:00:00+08:00". */
export function wallToIso(wall, zone) {
  if (!wall) return null;
  const tz = zoneOrUtc(zone || "UTC");
  const [date, time] = wall.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let offset = offsetMinutes(tz, new Date(guess));
  offset = offsetMinutes(tz, new Date(guess - offset * 60000));
  return `${date}T${time.slice(0, 5)}:00${formatOffset(offset)}`;
}

/** ISO instant -> "2026-03-22T09:00" wall time in `zone` (for datetime-local inputs). */
export function isoToWall(iso, zone) {
  if (!iso) return "";
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return "";
  const local = new Date(instant.getTime() + offsetMinutes(zoneOrUtc(zone || "UTC"), instant) * 60000);
  return local.toISOString().slice(0, 16);
}

/** A readable time in `zone`, e.g. "Sun 25 Mar, 09:00". */
export function showTime(iso, zone) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zoneOrUtc(zone || "UTC"), weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

export function timeZones() {
  return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
}
