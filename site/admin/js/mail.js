// Mail about proposals: the event's templates (edit, preview with a real proposal), the outbox
// (states, send selected, discard) and how the signed-in organizer hears of new proposals.
import { api, listAll } from "./api.js";
import { announce, h, humanize, uid } from "./dom.js";
import { badge, label } from "./labels.js";
import { page } from "./app.js";

const MANAGERS = new Set(["owner", "organizer", "admin"]);

function field(label, control, hint) {
  const id = control.id || (control.id = uid("mail"));
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "hint" }, hint) : null);
}

function fieldErrors(form, err) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  for (const [name, problem] of Object.entries(err.fields || {})) {
    const control = form.querySelector(`[name="${name}"]`);
    if (control) control.after(h("p", { class: "field-error error", role: "alert" }, problem));
  }
}

// -- templates -------------------------------------------------------------------------------

function templatesPanel(ctx, templates, sessions, mayEdit) {
  const chooser = h("select", { id: "template-name" }, templates.map((t) => h("option", { value: t.name }, humanize(t.name))));
  const subject = h("input", { name: "subject", type: "text", maxlength: 200, required: true });
  const text = h("textarea", { name: "text", rows: 9, required: true });
  const html = h("textarea", { name: "html", rows: 4 });
  const delivery = h("select", { name: "delivery" }, h("option", { value: "now" }, "Send at once"), h("option", { value: "queue" }, "Queue in the outbox for review"));
  const about = h("p", { class: "hint" });
  const session = h("select", { id: "preview-session" }, sessions.length
    ? sessions.map((s) => h("option", { value: s.id }, s.title)) : [h("option", { value: "" }, "No proposals yet")]);
  const shown = h("div", { class: "mail-preview", "aria-live": "polite" });
  const form = h("form", { "aria-label": "Mail template", class: "mail-template" });
  const current = () => templates.find((t) => t.name === chooser.value);
  const fill = () => {
    const t = current();
    subject.value = t.subject; text.value = t.text; html.value = t.html || ""; delivery.value = t.delivery;
    about.textContent = `${t.description}. ${t.customized ? "This event's own version." : "The default."} Placeholders: ${t.placeholders.map((p) => `{${p}}`).join(" ")}`;
    shown.replaceChildren();
  };
  const draft = () => ({ subject: subject.value, text: text.value, ...(html.value ? { html: html.value } : {}) });
  const preview = h("button", { type: "button", disabled: !sessions.length, onclick: async () => {
    try {
      const mail = await api("POST", `${ctx.base}/mail-templates/${chooser.value}/preview`, { body: { session_id: session.value, ...draft() } });
      fieldErrors(form, {});
      shown.replaceChildren(h("h3", {}, "Preview"), h("dl", { class: "facts" },
        h("dt", {}, "To"), h("dd", {}, mail.to || "—"), h("dt", {}, "Subject"), h("dd", { class: "preview-subject" }, mail.subject)),
      h("pre", { class: "preview-text" }, mail.text));
      announce("Preview updated below.");
    } catch (err) {
      fieldErrors(form, err);
      announce(err.message, "error");
    }
  } }, "Preview");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const saved = await api("PUT", `${ctx.base}/mail-templates/${chooser.value}`, { body: { ...draft(), html: html.value || null, delivery: delivery.value } });
      templates.splice(templates.indexOf(current()), 1, saved);
      fieldErrors(form, {});
      fill();
      announce(`Template “${humanize(saved.name)}” saved.`);
    } catch (err) {
      fieldErrors(form, err);
      announce(err.message, "error");
    }
  });
  const reset = h("button", { type: "button", onclick: async () => {
    const base = await api("DELETE", `${ctx.base}/mail-templates/${chooser.value}`);
    templates.splice(templates.indexOf(current()), 1, base);
    fill();
    announce(`Template “${humanize(base.name)}” is the default again.`);
  } }, "Back to the default");
  chooser.addEventListener("change", fill);
  form.append(field("Template", chooser), about, field("Subject", subject), field("Text", text),
    field("HTML (optional)", html, "Values are escaped in HTML."), field("When a mail is due", delivery),
    h("div", { class: "toolbar" }, field("Preview with", session), preview,
      mayEdit ? h("button", { type: "submit", class: "primary" }, "Save the template") : null, mayEdit ? reset : null));
  fill();
  return h("section", { "aria-labelledby": "templates-heading" }, h("h2", { id: "templates-heading" }, "Templates"), form, shown);
}

// -- outbox ----------------------------------------------------------------------------------

const STATES = ["", "draft", "pending", "accepted", "confirmed", "rejected", "withdrawn", "canceled"];

/** Bulk mail by filter: one mail per speaker and matching session, from a speaker template. */
function composeForm(ctx, { templates, tracks, types }, redraw) {
  const choices = (items, none) => [h("option", { value: "" }, none), ...items.map((i) => h("option", { value: i.id }, i.name))];
  const template = h("select", { name: "template" }, templates.filter((t) => t.audience === "speaker")
    .map((t) => h("option", { value: t.name }, humanize(t.name))));
  template.value = "proposal_reminder";
  const state = h("select", { name: "state" }, STATES.map((s) => h("option", { value: s }, s ? label(s) : "Any state")));
  state.value = "accepted";
  const track = h("select", { name: "track_id" }, choices(tracks, "Any track"));
  const type = h("select", { name: "session_type_id" }, choices(types, "Any type"));
  const noSlides = h("input", { type: "checkbox", name: "without_slides", id: uid("mail"), checked: true });
  const delivery = h("select", { name: "delivery" }, h("option", { value: "queue" }, "Queue for review"), h("option", { value: "now" }, "Send at once"));
  const form = h("form", { "aria-label": "Mail speakers by filter", class: "compose" },
    h("div", { class: "toolbar" }, field("Template", template), field("Session state", state), field("Track", track),
      field("Session type", type), h("div", { class: "field inline" }, noSlides, h("label", { for: noSlides.id }, "Without slides only")),
      field("Then", delivery), h("button", { type: "submit" }, "Compose the mails")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { template: template.value, delivery: delivery.value, without_slides: noSlides.checked };
    for (const control of [state, track, type]) if (control.value) body[control.name] = control.value;
    try {
      const answer = await api("POST", `${ctx.base}/outbox/compose`, { body });
      const count = answer.queued.length;
      announce(`${count} mail${count === 1 ? "" : "s"} ${delivery.value === "now" ? "on the way" : "queued"}.`);
      redraw();
    } catch (err) {
      fieldErrors(form, err);
      announce(err.message, "error");
    }
  });
  return form;
}

function outboxPanel(ctx, mails, mayEdit, redraw, lists) {
  const picked = new Set();
  const body = h("tbody", {}, mails.map((m) => {
    const open = m.state === "queued" || m.state === "failed";
    const box = open && mayEdit ? h("input", { type: "checkbox", "aria-label": `Select the mail to ${m.to}: ${m.subject}`,
      onchange: (event) => (event.target.checked ? picked.add(m.id) : picked.delete(m.id)) }) : null;
    const discard = open && mayEdit ? h("button", { type: "button", class: "danger", onclick: async () => {
      await api("DELETE", `${ctx.base}/outbox/${m.id}`);
      announce(`Discarded the mail to ${m.to}.`);
      redraw();
    }, "aria-label": `Discard the mail to ${m.to}` }, "Discard") : null;
    return h("tr", { "data-id": m.id, "data-state": m.state }, h("td", {}, box), h("td", {}, m.to), h("th", { scope: "row" }, m.subject),
      h("td", {}, badge(m.state), m.reason ? h("p", { class: "error reason" }, m.reason) : null),
      h("td", {}, m.sent_at ? new Date(m.sent_at).toLocaleString() : "—"), h("td", { class: "actions" }, discard));
  }));
  const send = h("button", { type: "button", class: "primary", onclick: async () => {
    if (!picked.size) return announce("Select the mails to send first.", "error");
    try {
      const started = await api("POST", `${ctx.base}/outbox/send`, { body: { mail_ids: [...picked] } });
      announce(`Sending ${picked.size} mails (job ${started.job_id}).`);
      redraw();
    } catch (err) {
      announce(err.message, "error");
    }
  } }, "Send the selected mails");
  const table = mails.length ? h("div", { class: "table-scroll" }, h("table", { class: "list outbox" },
    h("caption", {}, "Queued mails wait for you; failed ones show why and can be sent again."),
    h("thead", {}, h("tr", {}, ["", "To", "Subject", "State", "Sent", "Actions"].map((t) => h("th", { scope: "col" }, t)))), body))
    : h("p", {}, "The outbox is empty.");
  return h("section", { "aria-labelledby": "outbox-heading" }, h("h2", { id: "outbox-heading" }, "Outbox"),
    mayEdit ? composeForm(ctx, lists, redraw) : null, mayEdit ? h("div", { class: "toolbar" }, send) : null, table);
}

// -- notifications ---------------------------------------------------------------------------

function notificationsPanel(ctx, choice) {
  const select = h("select", { id: "new-proposals" },
    h("option", { value: "each" }, "A mail for each new proposal"),
    h("option", { value: "digest" }, "A daily digest"),
    h("option", { value: "off" }, "No mail"));
  select.value = choice.new_proposals;
  select.addEventListener("change", async () => {
    await api("PUT", `${ctx.base}/notifications`, { body: { new_proposals: select.value } });
    announce("Your choice is saved.");
  });
  return h("section", { "aria-labelledby": "notify-heading" }, h("h2", { id: "notify-heading" }, "New proposals"),
    field("How you hear of new proposals", select));
}

export async function mailView(ctx, nav) {
  const [templates, sessions, mails, choice, tracks, types] = await Promise.all([
    listAll(`${ctx.base}/mail-templates`), listAll(`${ctx.base}/sessions`), listAll(`${ctx.base}/outbox`),
    api("GET", `${ctx.base}/notifications`), listAll(`${ctx.base}/tracks`), listAll(`${ctx.base}/session-types`),
  ]);
  const mayEdit = MANAGERS.has(ctx.role);
  const redraw = () => mailView(ctx, nav);
  page(`Mail · ${ctx.event.name}`, nav, notificationsPanel(ctx, choice),
    templatesPanel(ctx, templates, sessions, mayEdit), outboxPanel(ctx, mails, mayEdit, redraw, { templates, tracks, types }));
}
