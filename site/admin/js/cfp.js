// The call for papers: its settings (organizers), the review of proposals (pending sessions),
// and the page where signed-in users submit proposals while it is open.
import { api, bodySchema, declares, listAll } from "./api.js";
import { announce, h } from "./dom.js";
import { badge, label } from "./labels.js";
import { schemaForm } from "./forms.js";
import { page, state } from "./app.js";
import { referencesFor } from "./events.js";
import { showTime } from "./tz.js";
import { answerFields, answersList, readQuestions } from "./questions.js";

const CFP = "/events/{}/call-for-papers";
// What an organizer may make of a session in each state (domain/session_states.py), as buttons.
const REVIEW_MOVES = {
  draft: [["accepted", "Accept"], ["rejected", "Reject"]],
  pending: [["accepted", "Accept"], ["rejected", "Reject"], ["waitlisted", "Waitlist"]],
  waitlisted: [["accepted", "Accept"], ["rejected", "Reject"]],
  accepted: [["confirmed", "Confirm"], ["rejected", "Reject"], ["canceled", "Cancel"]],
  confirmed: [["canceled", "Cancel"]],
  rejected: [["accepted", "Accept"]],
  withdrawn: [],
  canceled: [["accepted", "Accept"]],
};
// What a speaker may make of their own proposal.
const SPEAKER_MOVES = {
  pending: [["withdrawn", "Withdraw"]],
  waitlisted: [["withdrawn", "Withdraw"]],
  accepted: [["confirmed", "Confirm"], ["withdrawn", "Withdraw"]],
  confirmed: [["withdrawn", "Withdraw"]],
  withdrawn: [["pending", "Resubmit"]],
};
const REVIEW_STATES = ["pending", "waitlisted", "accepted", "confirmed", "rejected", "withdrawn", "canceled"];

/** The event's call for papers, or null when it has none (or none this caller may read). */
async function readCfp(base, token) {
  try {
    return await api("GET", `${base}/call-for-papers`, { query: { token } });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

/** The admin address of the proposal form; a private call's carries its secret. */
export function submitLink(eventId, secret) {
  const query = secret ? `?token=${encodeURIComponent(secret)}` : "";
  return new URL(`/admin/#/events/${eventId}/submit${query}`, location.origin).href;
}


function cfpFacts(cfp, eventId, zone) {
  const link = submitLink(eventId, cfp.secret_token);
  return h("dl", { class: "facts" },
    h("dt", {}, "State"), h("dd", {}, badge(cfp.state)),
    h("dt", {}, "Open"), h("dd", {}, `${showTime(cfp.opens_at, zone)} – ${showTime(cfp.closes_at, zone)} (${zone})`),
    h("dt", {}, "Privacy"), h("dd", {}, cfp.privacy),
    h("dt", {}, cfp.privacy === "private" ? "Private link" : "Proposal form"),
    h("dd", {}, h("a", { href: link, class: "cfp-link" }, link)));
}

/** Organizers set the call's dates, announcement and privacy (PUT first, then PATCH with its version). */
export async function cfpView(ctx, nav) {
  const current = await readCfp(ctx.base);
  const method = current ? "PATCH" : "PUT";
  const schema = bodySchema(state.doc, method, CFP);
  const form = schema && ctx.mayEdit ? schemaForm({
    schema, values: current, zone: ctx.zone, name: "Call for papers",
    submitLabel: current ? "Save the call for papers" : "Open a call for papers",
    onSubmit: async (body) => {
      await api(method, `${ctx.base}/call-for-papers`, { body });
      announce("Call for papers saved.");
      await cfpView(ctx, nav);
      return null;
    },
  }) : null;
  page(`Call for papers · ${ctx.event.name}`, nav,
    current ? cfpFacts(current, ctx.event.id, ctx.zone) : h("p", {}, "This event has no call for papers yet."),
    current?.state === "open" && ctx.event.state !== "published" && current.privacy !== "private"
      ? h("p", { class: "warning" }, "Only the team can see an unpublished event: publish it, or make the call private and share its link.") : null,
    declares(state.doc, "get", "/events/{}/sessions") ? h("p", {}, h("a", { href: `#${ctx.base}/proposals` }, "Review the proposals")) : null,
    form ? h("section", { "aria-labelledby": "cfp-title" }, h("h2", { id: "cfp-title" }, "Settings"), form.form)
      : h("p", {}, "You may read the call for papers but not change it."));
}

/** One button per move; `onMoved(saved)` after the API took it. */
function moveButtons(session, moves, path, onMoved) {
  return (moves[session.state] || []).map(([to, verb]) => h("button", {
    type: "button", class: to === "rejected" || to === "withdrawn" || to === "canceled" ? "danger" : undefined,
    onclick: async () => {
      try {
        const saved = await api("PATCH", `${path}/${session.id}`, { body: { state: to, version: session.version } });
        Object.assign(session, saved);
        announce(`“${session.title}” is now ${label(session.state).toLowerCase()}.`);
        onMoved(session);
      } catch (err) {
        // Changed meanwhile: show it as it is now, so the reviewer decides again on what is stored.
        if (err.status === 409 && err.current) onMoved(Object.assign(session, err.current));
        announce(err.message, "error");
      }
    },
  }, `${verb} ${session.title}`));
}

/** Organizers review proposals: pending ones first, each with the moves its state allows. */
export async function proposalsView(ctx, nav) {
  const [sessions, speakers, questions] = await Promise.all([
    listAll(`${ctx.base}/sessions`),
    declares(state.doc, "get", "/events/{}/speakers") ? listAll(`${ctx.base}/speakers`) : [],
    readQuestions(ctx.base),
  ]);
  const speakerNames = new Map(speakers.map((s) => [s.id, s.name]));
  const proposals = sessions.filter((s) => REVIEW_STATES.includes(s.state));
  // A proposal just reviewed stays in view (with its new state) until the filter changes.
  const touched = new Set();
  const filter = h("select", { id: "proposal-state" }, [...REVIEW_STATES, "all"].map((s) => h("option", { value: s }, s === "all" ? "All" : label(s))));
  const list = h("ul", { class: "cards", "aria-label": "Proposals" });
  const show = () => {
    const shown = proposals.filter((s) => filter.value === "all" || s.state === filter.value || touched.has(s.id));
    list.replaceChildren(...(shown.length ? shown.map((session) => h("li", { class: "proposal", "data-id": session.id },
      h("h2", {}, h("a", { href: `#${ctx.base}/sessions/${session.id}` }, session.title)),
      h("p", {}, badge(session.state), " ", (session.speaker_ids || []).map((id) => speakerNames.get(id)).filter(Boolean).join(", ")),
      session.short_abstract ? h("p", {}, session.short_abstract) : null,
      answersList(session, questions),
      ctx.mayEdit ? h("div", { class: "actions" }, moveButtons(session, REVIEW_MOVES, `${ctx.base}/sessions`, (saved) => {
        touched.add(saved.id);
        show();
      })) : null)) : [h("li", {}, "No proposals in this state.")]));
  };
  filter.addEventListener("change", () => {
    touched.clear();
    show();
  });
  show();
  page(`Proposals · ${ctx.event.name}`, nav,
    h("div", { class: "search" }, h("label", { for: "proposal-state" }, "Show proposals that are"), filter), list);
}

/** Signed-in users submit a proposal while the call is open, and follow (confirm, withdraw) their own. */
export async function submitView(eventId, query) {
  const token = query.get("token") || undefined;
  const base = `/events/${eventId}`;
  const [event, cfp] = await Promise.all([api("GET", base), readCfp(base, token)]);
  const zone = event.timezone || "UTC";
  const title = `Submit a proposal · ${event.name}`;
  if (!cfp) return page(title, h("p", {}, "This event has no call for papers open to you."));
  const schema = bodySchema(state.doc, "post", `${CFP}/proposals`);
  const refs = await referencesFor({ base }, schema);
  // The organizers' questions get controls of their own kind; `answers` is not a JSON box here.
  const answers = answerFields(await readQuestions(base, token));
  const { answers: _answers, ...fields } = schema?.properties || {};
  const form = cfp.state === "open" && schema ? schemaForm({
    schema: { ...schema, properties: fields }, refs, zone, name: "Your proposal", submitLabel: "Submit the proposal",
    extra: answers.node,
    onSubmit: async (body) => {
      const given = answers.read();
      if (Object.keys(given).length) body.answers = given;
      let session;
      try {
        session = await api("POST", `${base}/call-for-papers/proposals`, { body, query: { token } });
      } catch (err) {
        answers.showErrors(err.fields);
        throw err;
      }
      announce(session.state === "draft" ? `“${session.title}” saved as a draft: only you see it until you submit it.`
        : `“${session.title}” submitted; it is pending review.`);
      await submitView(eventId, query);
      return null;
    },
  }) : null;
  const mine = await listAll(`${base}/call-for-papers/proposals`);
  const own = h("ul", { class: "cards", "aria-label": "Your proposals" }, mine.length ? mine.map((session) => h("li", { class: "proposal", "data-id": session.id },
    h("h3", {}, h("a", { href: `#/speaker/proposals/${eventId}/${session.id}` }, session.title)), h("p", {}, badge(session.state)),
    h("div", { class: "actions" }, moveButtons(session, SPEAKER_MOVES, `${base}/sessions`, () => submitView(eventId, query))))) : [h("li", {}, "None yet.")]);
  page(title,
    h("dl", { class: "facts" },
      h("dt", {}, "Call for papers"), h("dd", {}, badge(cfp.state)),
      h("dt", {}, "Open"), h("dd", {}, `${showTime(cfp.opens_at, zone)} – ${showTime(cfp.closes_at, zone)} (${zone})`)),
    cfp.announcement ? h("p", { class: "announcement" }, cfp.announcement) : null,
    form ? h("section", { "aria-labelledby": "proposal-title" }, h("h2", { id: "proposal-title" }, "Your proposal"), form.form)
      : h("p", {}, cfp.state === "upcoming" ? "The call for papers is not open yet." : "The call for papers is closed."),
    h("h2", {}, "Your proposals"), own);
}
