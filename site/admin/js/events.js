// One event: details, its collections (generic lists and forms), schedule, call for papers,
// proposals, roles, jobs and publishing. Sections appear only when the API declares them.
import { api, bodySchema, declares, listAll, listOf } from "./api.js";
import { announce, h, humanize } from "./dom.js";
import { schemaForm } from "./forms.js";
import { page, state, me, go } from "./app.js";
import { uploadPanel } from "./uploads.js";
import { scheduleView } from "./schedule.js";
import { showTime } from "./tz.js";
import { badge, label } from "./labels.js";
import { cfpView, proposalsView, submitView } from "./cfp.js";
import { reviewView } from "./review.js";
import { assignmentsView } from "./assignments.js";
import { questionsView } from "./questions.js";
import { mailView } from "./mail.js";
import { releasesView } from "./releases.js";
import { teamView } from "./team.js";
import { maybeJob } from "./progress.js";
import { exportPanel } from "./exports.js";

export const COLLECTIONS = [
  { path: "tracks", kind: "track", label: "Tracks", columns: ["color"] },
  { path: "rooms", kind: "room", label: "Rooms", columns: ["floor", "capacity"] },
  { path: "session-types", kind: "session_type", label: "Session types", columns: ["length_minutes"] },
  { path: "sessions", kind: "session", label: "Sessions", columns: ["state", "starts_at"] },
  { path: "speakers", kind: "speaker", label: "Speakers", columns: ["organisation"] },
  { path: "sponsors", kind: "sponsor", label: "Sponsors", columns: ["tier"] },
  { path: "posts", kind: "post", label: "Posts", columns: ["published"] },
];
// Reference fields of a form, and the collection that lists their choices.
const REFERENCES = { track_id: "tracks", track_ids: "tracks", room_id: "rooms", session_type_id: "session-types", speaker_ids: "speakers" };
const EDITORS = ["admin", "owner", "organizer"];
const JOB_POLL_MS = 1500;
const main = () => document.getElementById("app");

export const labelOf = (item) => item.name || item.title || item.email || item.id;

/** The signed-in user's role in the event ("admin" for site admins), or null. */
export async function roleIn(eventId) {
  return (await rolesIn(eventId)).role;
}

/** `role` decides what the page offers ("admin" for site admins); `eventRole` is the user's own
 * place on the event's team (a site admin may also own it), shown beside it. */
async function rolesIn(eventId) {
  const user = await me();
  let eventRole = null;
  if (declares(state.doc, "get", "/events/{}/roles")) {
    try {
      const answer = await api("GET", `/events/${eventId}/roles`);
      const mine = (answer.roles || []).find((r) => (r.user?.id || r.user_id) === user?.id);
      eventRole = mine ? mine.role : null;
    } catch {
      eventRole = null;
    }
  }
  return { role: user?.is_admin ? "admin" : eventRole, eventRole };
}

async function eventContext(eventId) {
  const [event, { role, eventRole }] = await Promise.all([api("GET", `/events/${eventId}`), rolesIn(eventId)]);
  const base = `/events/${eventId}`;
  return {
    event, role, eventRole, base, zone: event.timezone || "UTC",
    mayEdit: role !== "moderator",
    mayCreateDelete: EDITORS.includes(role),
  };
}

function subnav(ctx, current) {
  const doc = state.doc;
  const links = [["", "Details"]];
  for (const c of COLLECTIONS) if (declares(doc, "get", `/events/{}/${c.path}`)) links.push([c.path, c.label]);
  if (declares(doc, "get", "/events/{}/sessions")) links.push(["schedule", "Schedule"], ["proposals", "Proposals"]);
  if (declares(doc, "get", "/events/{}/schedule/releases") && ctx.role && ctx.role !== "reviewer") links.push(["releases", "Releases"]);
  if (declares(doc, "get", "/events/{}/call-for-papers")) links.push(["cfp", "Call for papers"]);
  if (declares(doc, "get", "/events/{}/review/proposals")) links.push(["review", "Review"]);
  if (declares(doc, "get", "/events/{}/review-assignments")) links.push(["assignments", "Review assignments"]);
  if (declares(doc, "post", "/events/{}/questions") && ctx.mayEdit) links.push(["questions", "Questions"]);
  if (declares(doc, "get", "/events/{}/outbox") && ctx.role && ctx.role !== "moderator" && ctx.role !== "track_organizer") links.push(["mail", "Mail"]);
  if (declares(doc, "get", "/events/{}/roles")) links.push(["roles", "Team"]);
  if (declares(doc, "get", "/events/{}/jobs")) links.push(["jobs", "Jobs"]);
  return h("nav", { class: "subnav", "aria-label": "Event sections" }, h("ul", {}, links.map(([path, label]) =>
    h("li", {}, h("a", { href: `#${ctx.base}${path ? "/" + path : ""}`, "aria-current": path === current ? "page" : undefined }, label)))));
}

/** Choices for the reference fields of a form. */
export async function referencesFor(ctx, schema) {
  const refs = {};
  await Promise.all(Object.entries(REFERENCES).map(async ([field, path]) => {
    if (!schema?.properties?.[field] || !declares(state.doc, "get", `/events/{}/${path}`)) return;
    const items = await listAll(`${ctx.base}/${path}`);
    refs[field] = items.map((item) => ({ id: item.id, label: labelOf(item) }));
  }));
  return refs;
}

export async function eventView(eventId, rest, query) {
  // Proposal authors are not on the team: their page reads only what the public may.
  if (rest[0] === "submit") return submitView(eventId, query);
  const ctx = await eventContext(eventId);
  const [section = "", itemId] = rest;
  const collection = COLLECTIONS.find((c) => c.path === section);
  if (collection && itemId) return itemView(ctx, collection, itemId);
  if (collection) return listView(ctx, collection, query);
  switch (section) {
    case "schedule": return scheduleView(ctx, subnav(ctx, "schedule"));
    case "releases": return releasesView(ctx, subnav(ctx, "releases"));
    case "proposals": return proposalsView(ctx, subnav(ctx, "proposals"));
    case "cfp": return cfpView(ctx, subnav(ctx, "cfp"));
    case "review": return reviewView(ctx, subnav(ctx, "review"), query);
    case "assignments": return assignmentsView(ctx, subnav(ctx, "assignments"));
    case "questions": return questionsView(ctx, subnav(ctx, "questions"));
    case "mail": return mailView(ctx, subnav(ctx, "mail"));
    case "roles": return teamView(ctx, subnav(ctx, "roles"));
    case "jobs": return jobsView(ctx);
    default: return detailsView(ctx);
  }
}

// -- details and publishing ----------------------------------------------------------------

/**
 * The one place the event's state reaches the page: the State line, the publish panel's buttons
 * and the public link register here (`ctx.stateShown`), and every action that may change the
 * state hands the server's answer (or a fresh read) to showEventState, never a guess.
 */
export function showEventState(ctx, event) {
  ctx.event = event;
  ctx.zone = event.timezone || "UTC";
  for (const show of ctx.stateShown || []) show(event);
}

/** Register `show(event)`: called now and on every later showEventState (a state-dependent button, a line). */
export function onEventState(ctx, show) {
  (ctx.stateShown ||= []).push(show);
  show(ctx.event);
}

/** What trashing the event takes, in words with counts ("with its 3 sessions and 2 rooms (6 items)"). */
async function removalText(ctx) {
  if (!declares(state.doc, "get", "/events/{}/removal")) return "and everything in it";
  try {
    const preview = await api("GET", `${ctx.base}/removal`);
    const parts = Object.entries(preview.kinds || {}).map(([kind, count]) =>
      `${count} ${label(kind).toLowerCase()}${count === 1 ? "" : "s"}`);
    if (!parts.length) return "(nothing else is in it)";
    const listed = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0];
    return `with its ${listed} (${preview.items} items)`;
  } catch {
    return "and everything in it";  // the confirmation still asks; the trash itself says what went
  }
}

const publicUrl = (event) => new URL(`/e/${event.slug}/`, location.origin).href;

function publishPanel(ctx) {
  if (!declares(state.doc, "post", "/events/{}/publish") || !ctx.mayEdit) return null;
  const result = h("p", { class: "publish-status", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "primary", id: "publish" });
  const link = h("p", { class: "public-page" });
  onEventState(ctx, (event) => {
    button.textContent = event.state === "published" ? "Publish changes" : "Publish";
    link.replaceChildren(...(event.state === "published" ? ["Public page: ", h("a", { href: publicUrl(event) }, publicUrl(event))] : []));
    link.hidden = event.state !== "published";
  });
  // Each publish is one attempt; an unpublish ends the one still waiting for its rebuild, so the
  // panel never says "Waiting for the public page" about an event that is a draft again.
  let attempt = 0;
  button.addEventListener("click", async () => {
    const mine = (attempt += 1);
    const current = () => mine === attempt;
    button.disabled = true;
    const url = publicUrl(ctx.event);
    const before = await pageBody(url);
    const earlierJobs = await jobIds(ctx);
    result.textContent = "Publishing…";
    try {
      await api("POST", `${ctx.base}/publish`);
      showEventState(ctx, await api("GET", ctx.base));
      result.textContent = "Published. Waiting for the public page to be rebuilt…";
      const outcome = await waitForPage(ctx, url, before, earlierJobs, current);
      if (!current()) return;
      if (outcome.failed) throw new Error(`The public page could not be rebuilt: ${outcome.failed}`);
      result.replaceChildren(outcome.updated ? `The public page was updated at ${new Date().toLocaleTimeString()}: ` : "The public page is up to date: ",
        h("a", { href: url, class: "public-link" }, url));
      announce(outcome.updated ? "The public page is updated." : "The public page is up to date.");
    } catch (err) {
      if (!current()) return;
      result.textContent = err.message;
      result.className = "publish-status error";
    } finally {
      if (current()) button.disabled = false;
    }
  });
  // Unpublishing takes the public pages down; the button follows the event's state like the rest.
  const unpublish = declares(state.doc, "post", "/events/{}/unpublish")
    ? h("button", { type: "button", id: "unpublish", onclick: async () => {
      const url = publicUrl(ctx.event);
      if (!confirm(`Take “${ctx.event.name}” off the public site? Its pages at ${url} go away until you publish again.`)) return;
      try {
        await api("POST", `${ctx.base}/unpublish`);
        attempt += 1; // a publish still waiting for its rebuild is over
        button.disabled = false;
        result.className = "publish-status";
        result.textContent = "Unpublished: the public pages go away until you publish again.";
        showEventState(ctx, await api("GET", ctx.base));
        announce(`“${ctx.event.name}” is unpublished.`);
      } catch (err) {
        announce(err.message, "error");
      }
    } }, "Unpublish") : null;
  if (unpublish) onEventState(ctx, (event) => { unpublish.hidden = event.state !== "published"; });
  return h("section", { class: "publish", "aria-labelledby": "publish-title" }, h("h2", { id: "publish-title" }, "Public page"), link,
    h("div", { class: "actions publish-actions" }, button, unpublish), result);
}

async function pageBody(url) {
  try {
    const response = await fetch(url, { cache: "no-store" });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/** Ids of the event's recent jobs (to tell the rebuild a publish causes from earlier ones). */
async function jobIds(ctx) {
  if (!declares(state.doc, "get", "/events/{}/jobs")) return null;
  try {
    return new Set(listOf(await api("GET", `${ctx.base}/jobs`)).map((job) => job.id));
  } catch {
    return null;
  }
}

/** Wait until the public page changes, or a rebuild started after `earlier` fails. */
async function waitForPage(ctx, url, before, earlier, wanted = () => true, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && wanted()) {
    const now = await pageBody(url);
    if (now !== null && now !== before) return { updated: true };
    if (earlier) {
      const jobs = listOf(await api("GET", `${ctx.base}/jobs`).catch(() => null))
        .filter((job) => !earlier.has(job.id) && job.name.startsWith("render"));
      const failed = jobs.find((job) => job.state === "FAILURE" || (job.state === "RETRY" && job.error));
      if (failed) return { failed: failed.error || "the rebuild failed" };
      if (jobs.length && jobs.every((job) => job.state === "SUCCESS") && now !== null) return { updated: now !== before };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { updated: false };
}

const datesText = (ctx) => `${showTime(ctx.event.starts_at, ctx.zone)} – ${showTime(ctx.event.ends_at, ctx.zone)} (${ctx.zone})`;

/** "Owner · Site admin" when a site admin is also on the team, else the one that applies. */
function roleText(ctx) {
  const parts = [ctx.eventRole, ctx.role === "admin" ? "admin" : null].filter(Boolean);
  return parts.length ? parts.map(label).join(" · ") : "—";
}

async function detailsView(ctx) {
  const schema = bodySchema(state.doc, "patch", "/events/{}") || bodySchema(state.doc, "put", "/events/{}");
  const method = bodySchema(state.doc, "patch", "/events/{}") ? "PATCH" : "PUT";
  const reload = () => api("GET", ctx.base);
  let form = null;
  if (schema && ctx.mayEdit) {
    form = schemaForm({
      schema, values: ctx.event, zone: ctx.zone, submitLabel: "Save the details", name: "Event details", replaces: method === "PUT",
      // the logo and banner are uploads with previews (the Files section), not URL boxes
      omit: ["logo_url", "banner_url"],
      onSubmit: async (body) => {
        const saved = await api(method, ctx.base, { body });
        showEventState(ctx, saved);
        announce("Event details saved.");
        return saved;
      },
    });
  }
  const stateLine = h("dd", { class: "event-state" });
  const slug = h("dd", {});
  const dates = h("dd", {});
  onEventState(ctx, (event) => {
    stateLine.replaceChildren(badge(event.state));
    slug.textContent = event.slug || "—";
    dates.textContent = datesText(ctx);
  });
  const facts = h("dl", { class: "facts" },
    h("dt", {}, "State"), stateLine,
    h("dt", {}, "Slug"), slug,
    h("dt", {}, "Dates"), dates,
    h("dt", {}, "Your role"), h("dd", {}, roleText(ctx)));
  const trash = ctx.mayCreateDelete && declares(state.doc, "delete", "/events/{}")
    ? h("button", { type: "button", class: "danger", onclick: async () => {
      if (!confirm(`Move “${ctx.event.name}” ${await removalText(ctx)} to the trash? It can be restored for 30 days.`)) return;
      const progress = h("div", { class: "job-place" });
      main().append(progress);
      try {
        await maybeJob(await api("DELETE", ctx.base), progress, "Moving to the trash");
      } catch (err) {
        announce(err.message, "error");
        return;
      }
      announce(`“${ctx.event.name}” moved to the trash.`);
      go("#/trash");
    } }, "Move the event to the trash") : null;
  const kinds = bodySchema(state.doc, "post", "/uploads")?.properties?.kind?.enum || [];
  page(ctx.event.name, subnav(ctx, ""), facts, publishPanel(ctx),
    form ? h("section", { "aria-labelledby": "details-title" }, h("h2", { id: "details-title" }, "Details"), form.form) : null,
    uploadPanel({ kinds, allowed: ctx.mayEdit, item: { ...ctx.event, kind: "event" }, eventId: ctx.event.id, reload }),
    exportPanel(ctx), trash);
}

// -- collections ---------------------------------------------------------------------------

function cell(item, column, ctx) {
  const value = item[column];
  if (column === "color" && value) return h("span", { class: "swatch", style: `background:${value}` }, value);
  if (column === "state") return badge(value);
  if (column.endsWith("_at")) return showTime(value, ctx.zone);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return value ?? "—";
}

async function trashItem(ctx, collection, item) {
  if (!confirm(`Move “${labelOf(item)}” to the trash?`)) return false;
  try {
    await api("DELETE", `${ctx.base}/${collection.path}/${item.id}`);
  } catch (err) {
    if (err.status !== 409 || !err.details.sessions) throw err;
    const titles = err.details.sessions.map((s) => s.title).join(", ");
    if (!confirm(`${err.message}\nUsed by: ${titles}\nTrash it anyway and clear it from those sessions?`)) return false;
    await api("DELETE", `${ctx.base}/${collection.path}/${item.id}`, { query: { detach: "true" } });
  }
  announce(`“${labelOf(item)}” moved to the trash.`);
  return true;
}

async function listView(ctx, collection, query) {
  const items = await listAll(`${ctx.base}/${collection.path}`);
  const searchId = `search-${collection.path}`;
  const search = h("input", { type: "search", id: searchId, value: query.get("q") || "" });
  const body = h("tbody");
  const mayDelete = ctx.mayCreateDelete && declares(state.doc, "delete", `/events/{}/${collection.path}/{}`);
  const show = () => {
    const wanted = search.value.trim().toLowerCase();
    const shown = items.filter((item) => !wanted || JSON.stringify(item).toLowerCase().includes(wanted));
    body.replaceChildren(...shown.map((item) => h("tr", { "data-id": item.id },
      h("th", { scope: "row" }, h("a", { href: `#${ctx.base}/${collection.path}/${item.id}` }, labelOf(item))),
      collection.columns.map((column) => h("td", {}, cell(item, column, ctx))),
      // the row already names the item: the button says "Trash", its accessible name says what goes
      h("td", { class: "actions" }, mayDelete ? h("button", { type: "button", class: "danger", "aria-label": `Trash ${labelOf(item)}`, onclick: async () => {
        if (await trashItem(ctx, collection, item)) listView(ctx, collection, query);
      } }, "Trash") : null))));
    if (!shown.length) body.append(h("tr", {}, h("td", { class: "empty", colspan: collection.columns.length + 2 }, wanted ? "Nothing matches." : `No ${collection.label.toLowerCase()} yet.`)));
  };
  search.addEventListener("input", show);
  show();
  const create = ctx.mayCreateDelete && declares(state.doc, "post", `/events/{}/${collection.path}`)
    ? h("a", { class: "button primary", href: `#${ctx.base}/${collection.path}/new` }, `Add ${humanize(collection.kind).toLowerCase()}`) : null;
  page(`${collection.label} · ${ctx.event.name}`, subnav(ctx, collection.path),
    h("div", { class: "toolbar" }, h("div", { class: "search" }, h("label", { for: searchId }, `Search ${collection.label.toLowerCase()}`), search), create),
    h("div", { class: "table-scroll" }, h("table", { class: "list" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), collection.columns.map((c) => h("th", { scope: "col" }, humanize(c))), h("th", { scope: "col" }, "Actions"))), body)));
}

async function itemView(ctx, collection, itemId) {
  const isNew = itemId === "new";
  const path = `${ctx.base}/${collection.path}`;
  const method = isNew ? "post" : declares(state.doc, "patch", `/events/{}/${collection.path}/{}`) ? "patch" : "put";
  const schema = bodySchema(state.doc, method, isNew ? `/events/{}/${collection.path}` : `/events/{}/${collection.path}/{}`);
  const item = isNew ? null : await api("GET", `${path}/${itemId}`);
  const refs = await referencesFor(ctx, schema);
  const title = isNew ? `Add ${humanize(collection.kind).toLowerCase()}` : labelOf(item);
  const form = schemaForm({
    schema, values: item, refs, zone: ctx.zone, name: title,
    submitLabel: isNew ? `Create ${humanize(collection.kind).toLowerCase()}` : "Save",
    onSubmit: async (body) => {
      if (isNew) {
        const created = await api("POST", path, { body });
        announce(`${humanize(collection.kind)} “${labelOf(created)}” created.`);
        go(`#${path}/${created.id}`);
        return null;
      }
      const saved = await api(method.toUpperCase(), `${path}/${itemId}`, { body });
      announce(`“${labelOf(saved)}” saved.`);
      if (saved.warnings?.length) announce(`Saved, with warnings: ${saved.warnings.join("; ")}`, "warning");
      return saved;
    },
  });
  const kinds = bodySchema(state.doc, "post", "/uploads")?.properties?.kind?.enum || [];
  const mayDelete = !isNew && ctx.mayCreateDelete && declares(state.doc, "delete", `/events/{}/${collection.path}/{}`);
  const trash = mayDelete ? h("button", { type: "button", class: "danger", onclick: async () => {
    if (await trashItem(ctx, collection, item)) go(`#${path}`);
  } }, `Trash ${labelOf(item)}`) : null;
  const warnings = item?.warnings?.length ? h("ul", { class: "warnings", "aria-label": "Schedule warnings" }, item.warnings.map((w) => h("li", {}, w))) : null;
  page(title, subnav(ctx, collection.path), h("p", {}, h("a", { href: `#${path}` }, `Back to ${collection.label.toLowerCase()}`)),
    warnings, ctx.mayEdit ? form.form : h("p", {}, "You may read this item but not change it."),
    item ? uploadPanel({ kinds, allowed: ctx.mayEdit, item: { ...item, kind: collection.kind }, eventId: ctx.event.id, reload: () => api("GET", `${path}/${itemId}`) }) : null,
    trash);
}

// -- jobs ------------------------------------------------------------------------------------

const FINISHED = new Set(["SUCCESS", "FAILURE"]);

function jobRow(job) {
  const progress = job.state === "SUCCESS" ? 100 : job.progress ?? 0;
  return h("tr", { "data-job": job.id },
    h("th", { scope: "row" }, humanize(job.name)),
    h("td", {}, badge(job.state)),
    h("td", {}, h("progress", { max: 100, value: progress, "aria-label": `${humanize(job.name)} progress` }), ` ${Math.round(progress)}%`),
    h("td", {}, job.created_at ? new Date(job.created_at).toLocaleString() : "—"),
    h("td", {}, job.download_url ? h("a", { href: job.download_url }, "Download") : job.error || ""));
}

async function jobsView(ctx) {
  const body = h("tbody");
  const refresh = async () => {
    const jobs = listOf(await api("GET", `${ctx.base}/jobs`));
    body.replaceChildren(...(jobs.length ? jobs.map(jobRow) : [h("tr", {}, h("td", { class: "empty", colspan: 5 }, "No jobs yet."))]));
    return jobs.some((job) => !FINISHED.has(job.state));
  };
  const exportButton = declares(state.doc, "post", "/events/{}/exports")
    ? h("button", { type: "button", onclick: async () => {
      const started = await api("POST", `${ctx.base}/exports`);
      announce(`Export started (job ${started.job_id}).`);
      poll();
    } }, "Export as Open Event") : null;
  let timer = null;
  const poll = async () => {
    clearTimeout(timer);
    if (!document.body.contains(body) && timer !== null) return;
    const running = await refresh();
    if (running && document.body.contains(body)) timer = setTimeout(poll, JOB_POLL_MS);
  };
  page(`Jobs · ${ctx.event.name}`, subnav(ctx, "jobs"), h("div", { class: "toolbar" }, exportButton),
    h("div", { class: "table-scroll" }, h("table", { class: "list" }, h("caption", {}, "Imports, exports and rebuilds, newest first"),
      h("thead", {}, h("tr", {}, ["Job", "State", "Progress", "Started", "Result"].map((t) => h("th", { scope: "col" }, t)))), body)));
  timer = 0;
  await poll();
}
