// Schedule releases (#24): whether the public schedule follows every change or the last release,
// what changed since that release, releasing a new version, and the releases made so far.
import { api, listAll } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { page } from "./app.js";
import { showTime } from "./tz.js";

const MANAGERS = new Set(["owner", "organizer", "admin"]);
const KINDS = [["new", "New"], ["moved", "Moved"], ["canceled", "Canceled"], ["room_changed", "Room changed"]];

function place(where, zone) {
  if (!where) return "";
  const when = where.starts_at ? `${showTime(where.starts_at, zone)}–${showTime(where.ends_at, zone).split(" ").pop()}` : "time to be announced";
  return where.room ? `${when}, ${where.room}` : when;
}

/** One change in words, as the public changelog says it. */
function changeLine(kind, label, change, zone) {
  const detail = kind === "new" ? place(change.after, zone)
    : kind === "canceled" ? `was ${place(change.before, zone)}`
    : `${place(change.before, zone)} → ${place(change.after, zone)}`;
  return `${label}: ${change.title} (${detail})`;
}

function changeList(changes, zone, name) {
  const items = KINDS.flatMap(([kind, label]) => (changes[kind] || []).map((c) => h("li", { class: `change-${kind}` }, changeLine(kind, label, c, zone))));
  return items.length ? h("ul", { class: "list changes", "aria-label": name }, items) : h("p", {}, "No changes.");
}

function modePanel(ctx, mayRelease, redraw) {
  const manual = ctx.event.schedule_mode === "manual";
  const id = uid("mode");
  const choice = (value, text) => h("label", {}, h("input", {
    type: "radio", name: id, value, checked: (value === "manual") === manual, disabled: !mayRelease,
    onchange: async () => {
      try {
        ctx.event = await api("PATCH", ctx.base, { body: { version: ctx.event.version, schedule_mode: value } });
        await redraw(); // announced once the view shows the new state, so nothing is typed into the old one
        announce(value === "manual" ? "The public schedule now shows the last release." : "Every change is now public at once.");
      } catch (err) {
        announce(err.message, "error");
      }
    },
  }), " ", text);
  return h("fieldset", { class: "schedule-mode" }, h("legend", {}, "What the public schedule shows"),
    choice("auto", "Every change, at once"), h("br"), choice("manual", "The last release (later changes are a draft until the next one)"));
}

function releaseForm(ctx, redraw) {
  const version = h("input", { name: "version", id: uid("version"), type: "text", maxlength: 60, required: true });
  const comment = h("textarea", { name: "comment", id: uid("comment"), rows: 3, maxlength: 2000 });
  const form = h("form", { "aria-label": "Release the schedule", class: "release-form" },
    h("div", { class: "field" }, h("label", { for: version.id }, "Version (required)"), version),
    h("div", { class: "field" }, h("label", { for: comment.id }, "Comment"), comment),
    h("button", { type: "submit", class: "primary" }, "Release"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll(".field-error").forEach((node) => node.remove());
    try {
      const release = await api("POST", `${ctx.base}/schedule/releases`, { body: { version: version.value, comment: comment.value } });
      await redraw();
      announce(`Released ${release.version}.`);
    } catch (err) {
      for (const [name, problem] of Object.entries(err.fields || {})) {
        form.querySelector(`[name="${name}"]`)?.after(h("p", { class: "field-error error", role: "alert" }, problem));
      }
      announce(err.message, "error");
    }
  });
  return form;
}

export async function releasesView(ctx, nav) {
  const [draft, releases] = await Promise.all([api("GET", `${ctx.base}/schedule/draft-changes`), listAll(`${ctx.base}/schedule/releases`)]);
  const mayRelease = MANAGERS.has(ctx.role);
  const redraw = () => releasesView(ctx, nav);
  const zone = ctx.zone;
  const publicUrl = new URL(`/e/${ctx.event.slug}/changelog/`, location.origin).href;
  page(`Releases · ${ctx.event.name}`, nav,
    modePanel(ctx, mayRelease, redraw),
    h("section", { "aria-labelledby": "draft-heading" },
      h("h2", { id: "draft-heading" }, "Draft changes"),
      h("p", { id: "draft-count" }, draft.count === 1 ? "1 change since the last release." : `${draft.count} changes since the last release.`),
      changeList(draft.changes, zone, "Draft changes")),
    mayRelease ? h("section", { "aria-labelledby": "release-heading" }, h("h2", { id: "release-heading" }, "Release"), releaseForm(ctx, redraw)) : null,
    h("section", { "aria-labelledby": "releases-heading" },
      h("h2", { id: "releases-heading" }, "Releases"),
      releases.length ? h("p", {}, "Public changelog: ", h("a", { href: publicUrl }, publicUrl))
        : h("p", {}, ctx.event.schedule_mode === "manual" ? "Nothing released yet: the public schedule stays empty until the first release." : "Nothing released yet."),
      h("ol", { class: "releases", "aria-label": "Releases" }, releases.map((r) => h("li", { class: "release" },
        h("h3", {}, `${r.version} `, h("span", { class: "meta" }, showTime(r.released_at, zone))),
        r.comment ? h("p", {}, r.comment) : null,
        changeList(r.changes, zone, `Changes in ${r.version}`))))));
}
