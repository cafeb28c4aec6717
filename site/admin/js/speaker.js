// The speaker portal: the views a signed-in speaker uses (never the organizers' forms). Mails to
// speakers link here (domain/speaker_pages.py): #/speaker (dashboard),
// #/speaker/profile, #/speaker/proposals/<event>/<session>, #/speaker/invite?token=…,
// #/speaker/availability/<event>/<speaker>.
import { api, bodySchema, declares, listAll } from "./api.js";
import { announce, h, humanize } from "./dom.js";
import { badge, label } from "./labels.js";
import { schemaForm } from "./forms.js";
import { go, me, page, state } from "./app.js";
import { referencesFor } from "./events.js";
import { answerFields, readQuestions } from "./questions.js";
import { isoToWall, showTime, wallToIso } from "./tz.js";
import { uploadPanel } from "./uploads.js";

// What each expected next step is called, and the moves a speaker makes in each state
// (domain/session_states.py SPEAKER_TRANSITIONS; the API refuses the rest after the close).
const NEXT = { submit: "Submit it", confirm: "Confirm you will speak", upload_slides: "Upload your slides" };
const MOVES = {
  draft: [["pending", "Submit"]],
  pending: [["withdrawn", "Withdraw"]],
  accepted: [["confirmed", "Confirm"], ["withdrawn", "Withdraw"]],
  confirmed: [["withdrawn", "Withdraw"]],
  withdrawn: [["pending", "Resubmit"]],
};
const nav = () => h("nav", { class: "subnav", "aria-label": "Speaker" }, h("ul", {},
  h("li", {}, h("a", { href: "#/speaker" }, "My proposals")),
  h("li", {}, h("a", { href: "#/speaker/profile" }, "My speaker profile"))));

export async function speakerView(rest, query) {
  const [section = "", ...ids] = rest;
  switch (section) {
    case "": return dashboardView();
    case "profile": return profileView();
    case "proposals": return proposalView(ids[0], ids[1]);
    case "invite": return acceptInviteView(query);
    case "availability": return availabilityView(ids[0], ids[1]);
    default: return page("Not found", nav(), h("p", {}, "No such speaker page."));
  }
}

/** Every proposal of the caller, across events, with its state and what is expected next. */
async function dashboardView() {
  const proposals = await listAll("/me/proposals");
  const rows = proposals.map((p) => h("li", { class: "proposal", "data-id": p.session_id },
    h("h2", {}, h("a", { href: `#/speaker/proposals/${p.event.id}/${p.session_id}` }, p.title)),
    h("p", {}, p.event.name, " · ", badge(p.state), p.editable ? " · editable" : ""),
    p.next.length
      ? h("p", { class: "next" }, "Next: ", p.next.map((step) => NEXT[step] || humanize(step)).join(", "))
      : h("p", { class: "next" }, "Nothing to do for now.")));
  page("My proposals", nav(),
    h("ul", { class: "cards", "aria-label": "My proposals" }, rows.length ? rows : [h("li", {}, "No proposals yet. Follow a call for papers' link to send one.")]));
}

/** The profile every new event's speaker record is copied from. */
async function profileView() {
  const profile = await api("GET", "/me/speaker-profile");
  const schema = bodySchema(state.doc, "put", "/me/speaker-profile");
  const form = schemaForm({
    schema, values: profile, name: "Speaker profile", submitLabel: "Save my profile", replaces: true,
    onSubmit: async (body) => {
      await api("PUT", "/me/speaker-profile", { body });
      announce("Profile saved. Events you join from now on copy it; those you joined keep their own copy.");
      return null;
    },
  });
  const photo = uploadPanel({
    kinds: ["avatar"], allowed: true, item: { ...profile, kind: "speaker_profile", id: profile.user_id },
    reload: () => api("GET", "/me/speaker-profile"),
  });
  page("My speaker profile", nav(),
    h("p", { class: "hint" }, "Events copy this profile (and your photo) when you first propose to them; edit an event's copy from the proposal page."),
    form.form, photo);
}

function proposalForm(session, path, zone, refs, questions) {
  const full = bodySchema(state.doc, "post", "/events/{}/call-for-papers/proposals");
  if (!full) return null;
  const properties = { ...full.properties };
  delete properties.state; // moves are the buttons below
  // The organizers' questions get controls of their own kind, as on the submit form (not a JSON box).
  delete properties.answers;
  const answers = answerFields(questions, session.answers || {});
  return schemaForm({
    schema: { ...full, properties }, values: session, refs, zone, name: "Your proposal", submitLabel: "Save the proposal",
    extra: answers.node,
    onSubmit: async (body) => {
      const given = answers.read();
      if (JSON.stringify(given) !== JSON.stringify(session.answers || {})) body.answers = given;
      let saved;
      try {
        saved = await api("PATCH", path, { body: { ...body, version: session.version } });
      } catch (err) {
        answers.showErrors(err.fields);
        throw err;
      }
      Object.assign(session, saved);
      announce("Proposal saved.");
      return saved;
    },
  });
}

/** One proposal: edit it while the call is open, move it (submit, withdraw, confirm), invite co-speakers. */
async function proposalView(eventId, sessionId) {
  const base = `/events/${eventId}`;
  const path = `${base}/sessions/${sessionId}`;
  const [event, session, cfp] = await Promise.all([
    api("GET", base), api("GET", path), api("GET", `${base}/call-for-papers`).catch(() => null),
  ]);
  const zone = event.timezone || "UTC";
  const editable = Boolean(cfp?.proposals_editable) && ["draft", "pending", "withdrawn"].includes(session.state);
  const refs = editable ? await referencesFor({ base }, bodySchema(state.doc, "post", "/events/{}/call-for-papers/proposals")) : {};
  const form = editable ? proposalForm(session, path, zone, refs, await readQuestions(base)) : null;
  const moves = (MOVES[session.state] || []).filter(([to]) => editable || to === "withdrawn" || to === "confirmed");
  const buttons = moves.map(([to, verb]) => h("button", {
    type: "button", class: to === "withdrawn" ? "danger" : "primary",
    onclick: async () => {
      try {
        await api("PATCH", path, { body: { state: to, version: session.version } });
        announce(`“${session.title}” is now ${label(to).toLowerCase()}.`);
        await proposalView(eventId, sessionId);
      } catch (err) {
        announce(err.message, "error");
      }
    },
  }, verb));
  const invite = editable && declares(state.doc, "post", "/events/{}/sessions/{}/co-speakers") ? schemaForm({
    schema: bodySchema(state.doc, "post", "/events/{}/sessions/{}/co-speakers"), name: "Invite a co-speaker",
    submitLabel: "Invite the co-speaker",
    onSubmit: async (body) => {
      const sent = await api("POST", `${path}/co-speakers`, { body });
      announce(`Invite mailed to ${sent.email}; it works once, for 7 days.`);
      return null;
    },
  }) : null;
  const mySpeaker = (session.speaker_ids || []).length > 0;
  page(session.title, nav(),
    h("dl", { class: "facts" },
      h("dt", {}, "Event"), h("dd", {}, event.name),
      h("dt", {}, "State"), h("dd", {}, badge(session.state)),
      h("dt", {}, "Call for papers"), h("dd", {}, cfp ? `${label(cfp.state)}, closes ${showTime(cfp.closes_at, zone)}${cfp.editing_locked ? " (editing locked)" : ""}` : "—"),
      h("dt", {}, "Speakers"), h("dd", {}, String((session.speaker_ids || []).length))),
    session.state === "draft" ? h("p", { class: "hint" }, "A draft: only you and your co-speakers see it until you submit it.") : null,
    buttons.length ? h("div", { class: "actions", "aria-label": "Moves" }, buttons) : null,
    form ? h("section", { "aria-labelledby": "proposal-edit" }, h("h2", { id: "proposal-edit" }, "Edit"), form.form)
      : h("p", {}, "The details can no longer be changed by speakers."),
    invite ? h("section", { "aria-labelledby": "co-speakers" }, h("h2", { id: "co-speakers" }, "Co-speakers"), invite.form) : null,
    mySpeaker ? h("p", {}, h("a", { href: `#/speaker/availability/${eventId}/${session.speaker_ids.join(",")}` }, "When you can attend")) : null);
}

/** A mailed co-speaker invite: accept it signed in with the address it was sent to. */
async function acceptInviteView(query) {
  const secret = query.get("token") || "";
  const result = h("p", { role: "status" });
  page("Join a proposal", nav(), h("p", {}, "You were invited to speak in a proposal. Accepting makes you one of its speakers."),
    h("button", {
      type: "button", class: "primary", onclick: async () => {
        try {
          const session = await api("POST", "/co-speaker-invites/accept", { body: { token: secret } });
          announce(`You are now a speaker of “${session.title}”.`);
          go(`#/speaker/proposals/${session.event_id}/${session.id}`);
        } catch (err) {
          result.textContent = err.message;
          result.className = "error";
        }
      },
    }, "Accept the invite"), result);
}

function rangeRow(range, zone) {
  const start = h("input", { type: "datetime-local", "aria-label": `Available from (${zone})`, value: isoToWall(range?.starts_at, zone) });
  const end = h("input", { type: "datetime-local", "aria-label": `Available until (${zone})`, value: isoToWall(range?.ends_at, zone) });
  const row = h("li", { class: "range" }, start, " – ", end, " ",
    h("button", { type: "button", class: "danger", onclick: () => row.remove() }, "Remove"));
  row.read = () => ({ starts_at: wallToIso(start.value, zone), ends_at: wallToIso(end.value, zone) });
  return row;
}

/** When the speaker can attend the event: time ranges in the event's time zone. */
async function availabilityView(eventId, speakerIds) {
  const base = `/events/${eventId}`;
  const event = await api("GET", base);
  const zone = event.timezone || "UTC";
  const speakers = await Promise.all(String(speakerIds || "").split(",").filter(Boolean).map((id) => api("GET", `${base}/speakers/${id}`).catch(() => null)));
  const account = await me();
  const mine = speakers.find((s) => s && s.user_id === account.id);
  if (!mine) return page("When you can attend", nav(), h("p", {}, "Only the speaker and the organizers see this."));
  const list = h("ul", { class: "cards", "aria-label": "Time ranges" }, (mine.availability || []).map((r) => rangeRow(r, zone)));
  const error = h("p", { class: "error", role: "alert" });
  page(`When you can attend · ${event.name}`, nav(),
    h("p", {}, `${showTime(event.starts_at, zone)} – ${showTime(event.ends_at, zone)} (${zone}). The organizers use this to schedule your talk.`),
    list,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => list.append(rangeRow(null, zone)) }, "Add a time range"),
      h("button", {
        type: "button", class: "primary", onclick: async () => {
          try {
            const body = { availability: [...list.children].map((row) => row.read()), version: mine.version };
            const saved = await api("PUT", `${base}/speakers/${mine.id}/availability`, { body });
            mine.version = saved.version;
            error.textContent = "";
            announce("Availability saved.");
          } catch (err) {
            error.textContent = err.message;
          }
        },
      }, "Save availability")),
    error);
}
