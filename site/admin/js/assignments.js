// Review assignments: organizers run the automatic assignment (k reviews per proposal), see each
// reviewer's load, and add or remove assignments by hand; a reviewer sees their own assignments
// and declares conflicts of interest. The rules (tracks, conflicts, balance) are the API's.
import { api, declares, listAll } from "./api.js";
import { announce, h } from "./dom.js";
import { page, state } from "./app.js";

const ASSIGNMENTS = "/events/{}/review-assignments";

/** Names by id from a list, falling back to the id itself. */
const namer = (map) => (id) => map.get(id) || id;

async function readTeam(ctx) {
  const [roles, sessions, tracks] = await Promise.all([
    declares(state.doc, "get", "/events/{}/roles") ? api("GET", `${ctx.base}/roles`) : { roles: [] },
    declares(state.doc, "get", "/events/{}/sessions") ? listAll(`${ctx.base}/sessions`) : [],
    declares(state.doc, "get", "/events/{}/tracks") ? listAll(`${ctx.base}/tracks`) : [],
  ]);
  return {
    person: namer(new Map((roles.roles || []).map((m) => [m.user?.id, m.user?.name]))),
    title: namer(new Map(sessions.map((s) => [s.id, s.title]))),
    track: namer(new Map(tracks.map((t) => [t.id, t.name]))),
    pending: sessions.filter((s) => s.state === "pending"),
  };
}

function autoPanel(ctx, rerun, lastK) {
  const perProposal = h("input", { type: "number", id: "per-proposal", min: "1", max: "10", value: String(lastK || 3), required: true });
  const result = h("div", { class: "auto-result", role: "status" });
  const button = h("button", { type: "submit", class: "primary" }, "Assign automatically");
  const form = h("form", { class: "auto-assign", "aria-labelledby": "auto-title" },
    h("div", { class: "field inline" }, h("label", { for: "per-proposal" }, "Reviews per proposal"), perProposal),
    h("p", { class: "hint" }, "Keeps the assignments made so far; respects each reviewer's tracks and every conflict of interest, and balances the load."),
    button, result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const answer = await api("POST", `${ctx.base}/review-assignments`, { body: { auto: true, per_proposal: Number(perProposal.value) } });
      await rerun({ ...answer, per_proposal: Number(perProposal.value) });
      announce(`Added ${answer.added} review assignments.`);
    } catch (err) {
      result.replaceChildren(h("p", { class: "error" }, err.message));
      button.disabled = false;
    }
  });
  return h("section", { class: "panel" }, h("h2", { id: "auto-title" }, "Automatic assignment"), form);
}

function shortfallNote(answer, names) {
  if (!answer) return null;
  const short = answer.shortfall || [];
  return h("div", { class: "auto-summary" },
    h("p", { class: "ok" }, `Added ${answer.added} review assignments.`),
    short.length ? h("div", { class: "warning" },
      h("p", {}, `${short.length} proposals lack reviewers (too few reviewers without a conflict in their track):`),
      h("ul", { class: "shortfall" }, short.map((s) => h("li", {}, `${names.title(s.proposal_id)}: ${s.missing} missing`)))) : null);
}

function loadTable(loads, names) {
  loads = [...loads].sort((a, b) => names.person(a.reviewer_id).localeCompare(names.person(b.reviewer_id)));
  const most = Math.max(1, ...loads.map((l) => l.assigned));
  return h("div", { class: "table-scroll" }, h("table", { class: "list loads" },
    h("caption", {}, "Reviewer load"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Reviewer"), h("th", { scope: "col" }, "Tracks"), h("th", { scope: "col" }, "Assigned"))),
    h("tbody", {}, loads.length ? loads.map((l) => h("tr", { "data-reviewer": l.reviewer_id },
      h("th", { scope: "row" }, names.person(l.reviewer_id)),
      h("td", {}, l.track_ids ? l.track_ids.map(names.track).join(", ") : "All tracks"),
      h("td", { class: "load" }, h("meter", { min: "0", max: String(most), value: String(l.assigned), "aria-hidden": "true" }), " ",
        h("span", { class: "count" }, String(l.assigned))))) : [h("tr", {}, h("td", { colspan: "3" }, "No reviewers yet: invite some from the Team page with the role reviewer."))])));
}

function manualPanel(ctx, loads, names, rerun) {
  const proposal = h("select", { id: "assign-proposal", required: true },
    h("option", { value: "" }, "Choose a proposal"), names.pending.map((s) => h("option", { value: s.id }, s.title)));
  const reviewer = h("select", { id: "assign-reviewer", required: true },
    h("option", { value: "" }, "Choose a reviewer"), loads.map((l) => h("option", { value: l.reviewer_id }, names.person(l.reviewer_id))));
  const problem = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "manual-assign" },
    h("div", { class: "field" }, h("label", { for: "assign-proposal" }, "Proposal"), proposal),
    h("div", { class: "field" }, h("label", { for: "assign-reviewer" }, "Reviewer"), reviewer),
    problem, h("button", { type: "submit" }, "Assign"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `${ctx.base}/review-assignments`, { body: { proposal_id: proposal.value, reviewer_id: reviewer.value } });
      // Announced once the page shows it: whoever waits for the message finds the new page.
      await rerun(null);
      announce(`${names.person(reviewer.value)} reviews “${names.title(proposal.value)}”.`);
    } catch (err) {
      problem.hidden = false;
      problem.textContent = err.message;
    }
  });
  return h("section", { class: "panel" }, h("h2", {}, "Assign by hand"), form);
}

function assignmentList(ctx, assignments, names, rerun) {
  const byProposal = new Map();
  for (const a of assignments) {
    if (!byProposal.has(a.proposal_id)) byProposal.set(a.proposal_id, []);
    byProposal.get(a.proposal_id).push(a);
  }
  const rows = [...byProposal.entries()].sort(([a], [b]) => names.title(a).localeCompare(names.title(b)));
  return h("section", {}, h("h2", {}, `Assignments (${assignments.length})`),
    rows.length ? h("ul", { class: "cards assignments", "aria-label": "Assignments by proposal" }, rows.map(([proposalId, items]) =>
      h("li", { "data-proposal": proposalId }, h("h3", {}, names.title(proposalId)),
        h("ul", { class: "reviewers" }, items.sort((a, b) => names.person(a.reviewer_id).localeCompare(names.person(b.reviewer_id))).map((a) => h("li", {},
          names.person(a.reviewer_id), " ", a.manual ? h("span", { class: "badge" }, "by hand") : null, " ",
          rerun && h("button", {
            type: "button", class: "danger small", "aria-label": `Remove ${names.person(a.reviewer_id)} from ${names.title(proposalId)}`,
            onclick: async () => {
              await api("DELETE", `${ctx.base}/review-assignments/${encodeURIComponent(proposalId)}/${encodeURIComponent(a.reviewer_id)}`);
              await rerun(null);
              announce(`${names.person(a.reviewer_id)} no longer reviews “${names.title(proposalId)}”.`);
            },
          }, "Remove"))))))) : h("p", {}, "No assignments yet."));
}

/** Organizers: the whole assignment; a reviewer (who may not read the loads): their own. */
export async function assignmentsView(ctx, nav, lastRun = null) {
  let loads;
  try {
    loads = (await api("GET", `${ctx.base}/review-assignments/loads`)).items;
  } catch (err) {
    if (err.status === 403) return ownAssignmentsView(ctx, nav);
    throw err;
  }
  const [names, assignments] = await Promise.all([readTeam(ctx), listAll(`${ctx.base}/review-assignments`)]);
  const rerun = (answer) => assignmentsView(ctx, nav, answer);
  const mayAssign = declares(state.doc, "post", ASSIGNMENTS) && ["owner", "organizer", "admin"].includes(ctx.role);
  page(`Review assignments · ${ctx.event.name}`, nav,
    mayAssign ? autoPanel(ctx, rerun, lastRun?.per_proposal) : null,
    shortfallNote(lastRun, names),
    loadTable(loads, names),
    mayAssign ? manualPanel(ctx, loads, names, rerun) : null,
    assignmentList(ctx, assignments, names, mayAssign ? rerun : null));
}

async function ownAssignmentsView(ctx, nav) {
  const mine = await listAll(`${ctx.base}/review-assignments`);
  const list = h("ul", { class: "cards", "aria-label": "Your assignments" }, mine.length ? mine.map((a) => h("li", { "data-proposal": a.proposal_id },
    h("p", {}, `Proposal ${a.proposal_id}`),
    declares(state.doc, "post", "/events/{}/review-conflicts") ? h("button", {
      type: "button", class: "danger",
      onclick: async () => {
        await api("POST", `${ctx.base}/review-conflicts`, { body: { proposal_id: a.proposal_id } });
        await ownAssignmentsView(ctx, nav);
        announce("Conflict of interest declared; you no longer review this proposal.");
      },
    }, "Declare a conflict of interest") : null)) : [h("li", {}, "Nothing assigned to you yet.")]);
  page(`Your review assignments · ${ctx.event.name}`, nav, list);
}
