// Review of proposals. Reviewers score the proposals of their tracks on the event's criteria (or
// abstain) and comment for the team; organizers set review up, read the dashboard and decide in
// bulk. What a reviewer sees of a proposal is the API's choice: anonymised review shows no speaker.
import { api, listAll } from "./api.js";
import { announce, h, humanize, uid } from "./dom.js";
import { badge, label } from "./labels.js";
import { page } from "./app.js";

const ORGANIZING = ["admin", "owner", "organizer", "coorganizer"];
const SORTS = ["mean", "median", "spread", "count", "title"];
const STATES = ["pending", "waitlisted", "accepted", "confirmed", "rejected"];
const DECISIONS = [["accepted", "Accept selected"], ["rejected", "Reject selected"], ["waitlisted", "Waitlist selected"]];

const reviewBase = (ctx) => `${ctx.base}/review`;
const figure = (value) => (value === null || value === undefined ? "–" : String(value));

export async function reviewView(ctx, nav, query) {
  const settings = await api("GET", `${reviewBase(ctx)}/settings`);
  const organizer = ORGANIZING.includes(ctx.role);
  const sections = organizer
    ? [settingsPanel(ctx, settings, nav, query), await dashboardPanel(ctx, nav, query), await progressPanel(ctx, true)]
    : [await queuePanel(ctx, settings), await progressPanel(ctx, false)];
  page(`Review · ${ctx.event.name}`, nav,
    h("dl", { class: "facts" },
      h("dt", {}, "Review"), h("dd", {}, badge(settings.phase)),
      h("dt", {}, "Speakers"), h("dd", {}, settings.anonymised ? "hidden from reviewers (anonymised)" : "shown to reviewers"),
      h("dt", {}, "Criteria"), h("dd", {}, settings.criteria.map((c) => `${c.name} (${c.minimum}–${c.maximum}, ×${c.weight})`).join(", ") || "none yet")),
    ...sections);
}

// -- reviewers -----------------------------------------------------------------------------

async function queuePanel(ctx, settings) {
  const proposals = await listAll(`${reviewBase(ctx)}/proposals`);
  const cards = proposals.map((proposal) => proposalCard(ctx, settings, proposal));
  return h("section", { "aria-labelledby": "queue-title" }, h("h2", { id: "queue-title" }, "Proposals to review"),
    h("ul", { class: "cards", "aria-label": "Proposals to review" }, cards.length ? cards : [h("li", {}, "Nothing to review.")]));
}

function proposalCard(ctx, settings, proposal) {
  const mine = proposal.my_review;
  const others = h("div", { class: "team-reviews" });
  const status = h("span", {});
  const showStatus = (review) => status.replaceChildren(review
    ? h("span", { class: "badge reviewed" }, review.abstain ? "you abstained" : "reviewed") : h("span", { class: "badge" }, "to review"));
  showStatus(mine);
  others.addEventListener("reviewed", () => showStatus(proposal.my_review));
  const card = h("li", { class: "proposal review-card", "data-id": proposal.id },
    h("h3", {}, proposal.title),
    h("p", {}, badge(proposal.state), " ", status),
    proposal.speakers ? h("p", { class: "speakers" }, proposal.speakers.map((s) => s.name).join(", ")) : null,
    proposal.short_abstract ? h("p", {}, proposal.short_abstract) : null,
    proposal.long_abstract ? h("p", { class: "long" }, proposal.long_abstract) : null,
    settings.phase === "open" ? scoreForm(ctx, settings, proposal, others) : h("p", {}, "Review is closed."),
    others);
  if (mine) showTeamReviews(ctx, settings, proposal, others);
  return card;
}

function scoreForm(ctx, settings, proposal, others) {
  const mine = proposal.my_review || {};
  const selects = settings.criteria.map((criterion) => {
    const id = uid("score");
    const choices = [];
    for (let value = criterion.minimum; value <= criterion.maximum; value += 1) choices.push(value);
    const select = h("select", { id, name: criterion.id },
      h("option", { value: "" }, "–"), choices.map((value) => h("option", { value: String(value) }, String(value))));
    select.value = mine.scores?.[criterion.id] !== undefined ? String(mine.scores[criterion.id]) : "";
    return { criterion, field: h("div", { class: "field" }, h("label", { for: id }, `${criterion.name} (${criterion.minimum}–${criterion.maximum})`), select), select };
  });
  const commentId = uid("comment");
  const comment = h("textarea", { id: commentId, rows: 3 });
  comment.value = mine.comment || "";
  const abstainId = uid("abstain");
  const abstain = h("input", { type: "checkbox", id: abstainId });
  abstain.checked = Boolean(mine.abstain);
  const result = h("p", { role: "status", class: "review-status" });
  const form = h("form", { class: "score-form", "aria-label": `Your review of ${proposal.title}` },
    selects.map((s) => s.field),
    h("div", { class: "field" }, h("label", { for: commentId }, "Comment for the review team"), comment),
    h("div", { class: "field checkbox" }, abstain, h("label", { for: abstainId }, "Abstain (e.g. a conflict of interest)")),
    h("button", { type: "submit", class: "primary" }, `Save review of ${proposal.title}`), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = abstain.checked ? { abstain: true } : { scores: Object.fromEntries(selects.filter((s) => s.select.value !== "").map((s) => [s.criterion.id, Number(s.select.value)])) };
    if (comment.value.trim()) body.comment = comment.value;
    try {
      proposal.my_review = await api("PUT", `${reviewBase(ctx)}/proposals/${proposal.id}/review`, { body });
      result.textContent = "Review saved.";
      result.className = "review-status ok";
      announce(`Review of “${proposal.title}” saved.`);
      others.dispatchEvent(new Event("reviewed"));
      await Promise.all([showTeamReviews(ctx, settings, proposal, others), refreshProgress(ctx)]);
    } catch (err) {
      result.textContent = Object.keys(err.fields || {}).length ? `${err.message} (${Object.entries(err.fields).map(([k, v]) => `${k} ${v}`).join("; ")})` : err.message;
      result.className = "review-status error";
    }
  });
  return form;
}

async function showTeamReviews(ctx, settings, proposal, into) {
  const detail = await api("GET", `${reviewBase(ctx)}/proposals/${proposal.id}`);
  if (!detail.reviews) return into.replaceChildren();
  const names = new Map(settings.criteria.map((c) => [c.id, c.name]));
  into.replaceChildren(h("h4", {}, "The team's reviews"), h("ul", { class: "plain" }, detail.reviews.map((r) => h("li", {},
    r.reviewer_id === proposal.my_review?.reviewer_id ? "You: " : "",
    r.abstain ? "Abstained" : Object.entries(r.scores).map(([k, v]) => `${names.get(k) || k} ${v}`).join(", "),
    r.comment ? ` — ${r.comment}` : ""))));
  return undefined;
}

// -- organizers ----------------------------------------------------------------------------

function settingsPanel(ctx, settings, nav, query) {
  const phase = h("select", { id: "review-phase" }, ["open", "closed"].map((p) => h("option", { value: p }, label(p))));
  phase.value = settings.phase;
  const anonymised = h("input", { type: "checkbox", id: "review-anonymised" });
  anonymised.checked = settings.anonymised;
  const afterOwn = h("input", { type: "checkbox", id: "review-after-own" });
  afterOwn.checked = settings.scores_after_own;
  const rows = h("tbody", {});
  const addRow = (c = { name: "", minimum: 1, maximum: 5, weight: 1 }) => {
    const input = (name, type, value, label) => h("input", { type, name, value: String(value), "aria-label": label, ...(type === "number" ? { step: name === "weight" ? "any" : "1" } : {}) });
    const row = h("tr", { "data-id": c.id || "" },
      h("td", {}, input("name", "text", c.name, "Criterion name")), h("td", {}, input("minimum", "number", c.minimum, "Lowest score")),
      h("td", {}, input("maximum", "number", c.maximum, "Highest score")), h("td", {}, input("weight", "number", c.weight, "Weight")),
      h("td", {}, h("button", { type: "button", class: "danger", onclick: () => row.remove() }, "Remove")));
    rows.append(row);
  };
  settings.criteria.forEach(addRow);
  const result = h("p", { role: "status" });
  const form = h("form", { "aria-label": "Review settings" },
    h("div", { class: "field" }, h("label", { for: "review-phase" }, "Phase"), phase),
    h("div", { class: "field checkbox" }, anonymised, h("label", { for: "review-anonymised" }, "Anonymised review: reviewers never see who the speakers are")),
    h("div", { class: "field checkbox" }, afterOwn, h("label", { for: "review-after-own" }, "Reviewers see the others' reviews only after writing their own")),
    h("table", { class: "criteria" }, h("caption", {}, "Criteria"),
      h("thead", {}, h("tr", {}, ["Name", "From", "To", "Weight", ""].map((t) => h("th", { scope: "col" }, t)))), rows),
    h("p", {}, h("button", { type: "button", onclick: () => addRow() }, "Add a criterion")),
    h("button", { type: "submit", class: "primary" }, "Save review settings"), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const criteria = [...rows.children].map((row) => {
      const value = (name) => row.querySelector(`[name=${name}]`).value;
      return { ...(row.dataset.id ? { id: row.dataset.id } : {}), name: value("name"), minimum: Number(value("minimum")), maximum: Number(value("maximum")), weight: Number(value("weight")) };
    });
    try {
      await api("PATCH", `${reviewBase(ctx)}/settings`, { body: { phase: phase.value, anonymised: anonymised.checked, scores_after_own: afterOwn.checked, criteria, version: settings.version } });
      announce("Review settings saved.");
      await reviewView(ctx, nav, query);
    } catch (err) {
      result.textContent = `${err.message} ${Object.entries(err.fields || {}).map(([k, v]) => `${k}: ${v}`).join("; ")}`;
      result.className = "error";
    }
  });
  return h("section", { "aria-labelledby": "review-settings-title" }, h("h2", { id: "review-settings-title" }, "Settings"), form);
}

async function dashboardPanel(ctx, nav, query) {
  const sort = query?.get("sort") || "mean";
  const wanted = query?.get("state") || "";
  const rows = await listAll(`${reviewBase(ctx)}/dashboard`, { sort, order: sort === "title" ? "asc" : "desc", state: wanted });
  const sortSelect = h("select", { id: "review-sort" }, SORTS.map((s) => h("option", { value: s }, humanize(s))));
  sortSelect.value = sort;
  const stateSelect = h("select", { id: "review-state" }, h("option", { value: "" }, "Any state"), STATES.map((s) => h("option", { value: s }, label(s))));
  stateSelect.value = wanted;
  const reload = () => { location.hash = `#${ctx.base}/review?sort=${sortSelect.value}&state=${stateSelect.value}`; };
  sortSelect.addEventListener("change", reload);
  stateSelect.addEventListener("change", reload);
  const boxes = new Map();
  const body = h("tbody", {}, rows.map((row) => {
    const box = h("input", { type: "checkbox", "aria-label": `Select ${row.title}` });
    boxes.set(row.id, box);
    return h("tr", { "data-id": row.id }, h("td", {}, box), h("th", { scope: "row" }, row.title),
      h("td", {}, row.speakers.map((s) => s.name).join(", ")), h("td", {}, badge(row.state)),
      h("td", { class: "mean" }, figure(row.mean)), h("td", {}, figure(row.median)), h("td", {}, figure(row.spread)),
      h("td", { class: "count" }, `${row.count}${row.abstained ? ` (+${row.abstained} abstained)` : ""}`));
  }));
  const result = h("p", { role: "status", class: "decision-status" });
  const buttons = DECISIONS.map(([state, label]) => h("button", {
    type: "button", class: state === "rejected" ? "danger" : state === "accepted" ? "primary" : undefined,
    onclick: async () => {
      const ids = [...boxes].filter(([, box]) => box.checked).map(([id]) => id);
      if (!ids.length) return announce("Select proposals first.", "error");
      const answer = await api("POST", `${reviewBase(ctx)}/decisions`, { body: { session_ids: ids, state } });
      announce(`${answer.done.length} ${answer.done.length === 1 ? "proposal" : "proposals"} ${state}; each speaker was mailed.${answer.refused.length ? ` Not moved: ${answer.refused.map((r) => r.message).join(" ")}` : ""}`);
      await reviewView(ctx, nav, query);
      return undefined;
    },
  }, label));
  return h("section", { "aria-labelledby": "dashboard-title" }, h("h2", { id: "dashboard-title" }, "Dashboard"),
    h("div", { class: "search" }, h("label", { for: "review-sort" }, "Sort by"), sortSelect, h("label", { for: "review-state" }, "State"), stateSelect),
    h("table", { class: "dashboard", "aria-label": "Review dashboard" },
      h("thead", {}, h("tr", {}, ["", "Proposal", "Speakers", "State", "Weighted mean", "Median", "Spread", "Reviews"].map((t) => h("th", { scope: "col" }, t)))),
      rows.length ? body : h("tbody", {}, h("tr", {}, h("td", { colspan: "8" }, "No proposals.")))),
    h("div", { class: "actions" }, buttons), result);
}

async function refreshProgress(ctx) {
  const shown = document.getElementById("review-progress");
  if (shown) shown.replaceWith(await progressPanel(ctx, false));
}

async function progressPanel(ctx, organizer) {
  const [rows, team] = await Promise.all([
    listAll(`${reviewBase(ctx)}/reviewers`),
    organizer ? api("GET", `${ctx.base}/roles`).catch(() => ({ roles: [] })) : { roles: [] },
  ]);
  const names = new Map((team.roles || []).map((r) => [r.user?.id, r.user?.name]));
  return h("section", { id: "review-progress", "aria-labelledby": "progress-title" }, h("h2", { id: "progress-title" }, organizer ? "Reviewers' progress" : "Your progress"),
    h("ul", { class: "plain progress" }, rows.length ? rows.map((r) => h("li", {},
      `${organizer ? names.get(r.reviewer_id) || r.reviewer_id : "You"}: ${r.done} of ${r.in_scope} reviewed`)) : [h("li", {}, "No reviewers yet.")]));
}
