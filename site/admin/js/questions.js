// Custom questions of the call for papers: the organizers' list (add, edit, reorder, delete) and
// the answer controls the proposal form shows for them (domain/questions.py checks every answer).
import { api, bodySchema, declares, listAll } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { schemaForm } from "./forms.js";
import { page, state } from "./app.js";

const KIND_LABELS = {
  short_text: "Short text", long_text: "Long text", single_choice: "Single choice",
  multiple_choice: "Multiple choice", yes_no: "Yes / no", url: "Link (http/https)", file: "File (an upload id)",
};

/** The event's questions, in order ([] when the API offers none or the caller may not read them);
 * `token`: a private call's secret, from its link. */
export async function readQuestions(base, token) {
  if (!declares(state.doc, "get", "/events/{}/questions")) return [];
  try {
    return await listAll(`${base}/questions`, token ? { token } : {});
  } catch (err) {
    if (err.status === 404 || err.status === 403) return [];
    throw err;
  }
}

/** The schema without `choices`: the view asks for them one a line, not as JSON. */
function withoutChoices(schema) {
  const { choices, ...properties } = schema.properties;
  return { ...schema, properties };
}

function choicesBox(values) {
  const id = uid("choices");
  const input = h("textarea", { id, name: "choices", rows: 4, "aria-describedby": `${id}-hint` });
  input.value = (values?.choices || []).join("\n");
  const node = h("div", { class: "field", "data-field": "choices" },
    h("label", { for: id }, "Choices"), input,
    h("p", { class: "hint", id: `${id}-hint` }, "One a line; for single and multiple choice questions."));
  const read = () => input.value.split("\n").map((line) => line.trim()).filter(Boolean);
  return { node, read };
}

/** Track and session type pickers for the questions' scope. */
async function scopeRefs(ctx) {
  const refs = {};
  for (const [field, path] of [["track_ids", "tracks"], ["session_type_ids", "session-types"]]) {
    if (!declares(state.doc, "get", `/events/{}/${path}`)) continue;
    refs[field] = (await listAll(`${ctx.base}/${path}`)).map((item) => ({ id: item.id, label: item.name }));
  }
  return refs;
}

function questionForm(ctx, { schema, values = null, refs, submitLabel, name, send }) {
  const choices = choicesBox(values);
  const form = schemaForm({
    schema: withoutChoices(schema), values, refs, zone: ctx.zone, name, submitLabel, extra: choices.node,
    onSubmit: async (body) => {
      const listed = choices.read();
      if (!values || JSON.stringify(listed) !== JSON.stringify(values.choices || [])) body.choices = listed.length ? listed : null;
      // An empty scope means every track / type.
      for (const field of ["track_ids", "session_type_ids"]) if (Array.isArray(body[field]) && !body[field].length) body[field] = null;
      return send(body);
    },
  });
  return form.form;
}

function facts(question) {
  const bits = [KIND_LABELS[question.question_kind] || question.question_kind,
    question.required ? "required" : "optional",
    question.visibility === "public" ? "published with the session" : "organizers only"];
  if (question.identifying) bits.push("identifying");
  if (question.choices?.length) bits.push(`choices: ${question.choices.join(", ")}`);
  return bits.join(" · ");
}

/** Organizers list, add, edit, reorder and delete the event's questions. */
export async function questionsView(ctx, nav, editing = null) {
  const [questions, refs] = await Promise.all([readQuestions(ctx.base), scopeRefs(ctx)]);
  const rerender = (next = null) => questionsView(ctx, nav, next);
  const mayReorder = ctx.mayEdit && declares(state.doc, "put", "/events/{}/questions-order");
  const move = async (index, by) => {
    const order = questions.map((q) => q.id);
    [order[index], order[index + by]] = [order[index + by], order[index]];
    try {
      await api("PUT", `${ctx.base}/questions-order`, { body: { order } });
      announce(`“${questions[index].label}” moved ${by < 0 ? "up" : "down"}.`);
    } catch (err) {
      announce(err.message, "error");
    }
    await rerender();
  };
  const remove = async (question) => {
    if (!window.confirm(`Delete “${question.label}” and every answer to it?`)) return;
    try {
      const done = await api("DELETE", `${ctx.base}/questions/${question.id}`);
      announce(`“${question.label}” deleted (${done.answers_deleted} answers with it).`);
    } catch (err) {
      announce(err.message, "error");
    }
    await rerender();
  };
  const editSchema = bodySchema(state.doc, "patch", "/events/{}/questions/{}");
  const rows = questions.map((question, index) => h("li", { class: "question", "data-id": question.id },
    h("h2", {}, question.label),
    h("p", { class: "hint" }, facts(question)),
    question.help_text ? h("p", {}, question.help_text) : null,
    ctx.mayEdit ? h("div", { class: "actions" },
      mayReorder && index > 0 ? h("button", { type: "button", onclick: () => move(index, -1) }, `Move ${question.label} up`) : null,
      mayReorder && index < questions.length - 1 ? h("button", { type: "button", onclick: () => move(index, 1) }, `Move ${question.label} down`) : null,
      editSchema ? h("button", { type: "button", onclick: () => rerender(question.id) }, `Edit ${question.label}`) : null,
      ctx.mayCreateDelete ? h("button", { type: "button", class: "danger", onclick: () => remove(question) }, `Delete ${question.label}`) : null) : null,
    editing === question.id && editSchema ? questionForm(ctx, {
      schema: editSchema, values: question, refs, name: `Edit ${question.label}`, submitLabel: "Save the question",
      send: async (body) => {
        await api("PATCH", `${ctx.base}/questions/${question.id}`, { body });
        announce(`“${body.label || question.label}” saved.`);
        await rerender();
        return null;
      },
    }) : null));
  const addSchema = bodySchema(state.doc, "post", "/events/{}/questions");
  const add = addSchema && ctx.mayCreateDelete ? questionForm(ctx, {
    schema: addSchema, refs, name: "New question", submitLabel: "Add the question",
    send: async (body) => {
      const made = await api("POST", `${ctx.base}/questions`, { body });
      announce(`“${made.label}” added.`);
      await rerender();
      return null;
    },
  }) : null;
  page(`Questions · ${ctx.event.name}`, nav,
    h("p", {}, "Proposals answer these questions. Answers to questions published with the session appear on its public page; the others only the organizers and the proposal's speakers see."),
    h("ol", { class: "cards questions", "aria-label": "Questions" }, rows.length ? rows : [h("li", {}, "No questions yet.")]),
    add ? h("section", { "aria-labelledby": "new-question" }, h("h2", { id: "new-question" }, "Add a question"), add) : null);
}

/** A proposal's answers beside their questions' labels (null when it has none). */
export function answersList(session, questions) {
  const given = questions.filter((q) => session.answers && q.id in session.answers);
  if (!given.length) return null;
  const shown = (value) => (Array.isArray(value) ? value.join(", ") : value === true ? "Yes" : value === false ? "No"
    : typeof value === "object" ? value.filename || value.upload_id : String(value));
  return h("dl", { class: "facts answers" }, given.flatMap((q) => [h("dt", {}, q.label), h("dd", {}, shown(session.answers[q.id]))]));
}

// -- answering ---------------------------------------------------------------------------------

function answerControl(question, id) {
  const kind = question.question_kind;
  const bounds = { maxlength: question.max_length ?? undefined, minlength: question.min_length ?? undefined };
  if (kind === "long_text") return h("textarea", { id, rows: 4, ...bounds });
  if (kind === "single_choice") {
    return h("select", { id }, h("option", { value: "" }, "— choose —"), question.choices.map((c) => h("option", { value: c }, c)));
  }
  if (kind === "multiple_choice") {
    return h("fieldset", { class: "choices", id }, h("legend", {}, question.label), question.choices.map((c) => {
      const boxId = uid("answer-choice");
      return h("div", { class: "choice" }, h("input", { type: "checkbox", id: boxId, value: c }), h("label", { for: boxId }, c));
    }));
  }
  if (kind === "yes_no") {
    return h("select", { id }, h("option", { value: "" }, "— choose —"), h("option", { value: "yes" }, "Yes"), h("option", { value: "no" }, "No"));
  }
  if (kind === "url") return h("input", { id, type: "url", placeholder: "https://" });
  return h("input", { id, type: "text", ...bounds });
}

function readAnswer(question, input) {
  const kind = question.question_kind;
  if (kind === "multiple_choice") return [...input.querySelectorAll("input:checked")].map((box) => box.value);
  if (kind === "yes_no") return input.value === "" ? null : input.value === "yes";
  return input.value === "" ? null : input.value;
}

function writeAnswer(question, input, value) {
  const kind = question.question_kind;
  if (value === undefined || value === null) return;
  if (kind === "multiple_choice") {
    for (const box of input.querySelectorAll("input")) box.checked = value.includes(box.value);
  } else if (kind === "yes_no") {
    input.value = value ? "yes" : "no";
  } else {
    input.value = typeof value === "object" ? value.upload_id || "" : String(value);
  }
}

/**
 * Answer controls for `questions` (those asked of every track and type, or of the proposal's),
 * showing the answers `given` so far: `read()` gives the answers to send, `showErrors(fields)`
 * puts `answers.<id>` problems beside them.
 */
export function answerFields(questions, given = {}) {
  const controls = new Map();
  const rows = questions.map((question) => {
    const id = uid("answer");
    const input = answerControl(question, id);
    const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
    input.setAttribute("aria-describedby", `${id}-error`);
    controls.set(question.id, { question, input, error });
    writeAnswer(question, input, given?.[question.id]);
    const label = `${question.label}${question.required ? " (required)" : ""}`;
    const scope = question.track_ids || question.session_type_ids ? h("p", { class: "hint" }, "Asked of some tracks or session types only.") : null;
    if (input.tagName === "FIELDSET") return h("div", { class: "field", "data-question": question.id }, input, scope, error);
    return h("div", { class: "field", "data-question": question.id }, h("label", { for: id }, label),
      question.help_text ? h("p", { class: "hint" }, question.help_text) : null, input, scope, error);
  });
  const node = questions.length ? h("fieldset", { class: "answers" }, h("legend", {}, "Questions from the organizers"), rows) : null;
  const read = () => {
    const answers = {};
    for (const [questionId, { question, input }] of controls) {
      const value = readAnswer(question, input);
      if (value !== null && !(Array.isArray(value) && !value.length)) answers[questionId] = value;
    }
    return answers;
  };
  const showErrors = (fields = {}) => {
    for (const { input, error } of controls.values()) {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
    }
    for (const [field, problem] of Object.entries(fields)) {
      const found = controls.get(field.replace(/^answers\./, ""));
      if (!field.startsWith("answers.") || !found) continue;
      found.error.textContent = `${found.question.label}: ${problem}`;
      found.error.hidden = false;
      found.input.setAttribute("aria-invalid", "true");
    }
  };
  return { node, read, showErrors };
}

