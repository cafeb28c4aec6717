// Forms built from the API's OpenAPI request schemas: one labelled control per field,
// field errors from 422 answers shown next to their field, 409 conflicts kept reversible.
import { h, uid } from "./dom.js";
import { isoToWall, wallToIso, zoneOrUtc } from "./tz.js";
import { fieldLabel, label } from "./labels.js";
import { isLinkList, linksEditor, zonePicker } from "./controls.js";

const LONG_TEXT = 1000;
const typeOf = (spec) => (Array.isArray(spec.type) ? spec.type.find((t) => t !== "null") : spec.type);
const isNullable = (spec) => Array.isArray(spec.type) && spec.type.includes("null");

/** The fields a form shows: everything a client may send but the version. */
export function editableFields(schema) {
  return Object.entries(schema?.properties || {}).filter(([name, spec]) => !spec.readOnly && name !== "version");
}

/** The widget (controls.js) for a field one input cannot edit well, or null. */
function widgetFor(name, spec, { id, required }) {
  if (spec.format === "timezone") return zonePicker({ id, name, required });
  if (typeOf(spec) === "array" && isLinkList(spec)) return linksEditor({ id, name, legend: fieldLabel(name) });
  return null;
}

function control(name, spec, { id, refs, required }) {
  const type = typeOf(spec);
  const common = { id, name, required: required || undefined };
  if (refs[name] && type === "array") {
    return h("fieldset", { class: "choices", id, "data-field": name }, h("legend", {}, fieldLabel(name)),
      refs[name].length ? refs[name].map((option) => {
        const boxId = uid("choice");
        return h("div", { class: "choice" },
          h("input", { type: "checkbox", id: boxId, value: option.id }),
          h("label", { for: boxId }, option.label));
      }) : h("p", { class: "hint" }, `No ${fieldLabel(name).toLowerCase()} yet.`));
  }
  if (refs[name]) {
    return h("select", common, h("option", { value: "" }, "— none —"),
      refs[name].map((option) => h("option", { value: option.id }, option.label)));
  }
  if (spec.enum) {
    return h("select", common, required ? null : h("option", { value: "" }, "— none —"),
      spec.enum.map((value) => h("option", { value }, label(value))));
  }
  if (type === "boolean") return h("input", { ...common, type: "checkbox", required: undefined });
  if (type === "integer" || type === "number") {
    return h("input", { ...common, type: "number", min: spec.minimum, max: spec.maximum, step: type === "integer" ? 1 : "any" });
  }
  if (type === "array" || type === "object") {
    return h("textarea", { ...common, rows: 3, spellcheck: "false", placeholder: type === "array" ? "[]" : "{}" });
  }
  const bounds = { maxlength: spec.maxLength, minlength: spec.minLength };
  switch (spec.format) {
    case "email": return h("input", { ...common, ...bounds, type: "email", autocomplete: "email" });
    case "uri": return h("input", { ...common, ...bounds, type: "url", placeholder: "https://" });
    case "date-time": return h("input", { ...common, type: "datetime-local" });
    case "color": return h("input", { ...common, type: "color" });
    default:
      if (name.includes("password")) return h("input", { ...common, ...bounds, type: "password", autocomplete: name === "password" ? "current-password" : "new-password" });
      if ((spec.maxLength || 0) > LONG_TEXT) return h("textarea", { ...common, ...bounds, rows: 4 });
      return h("input", { ...common, ...bounds, type: "text" });
  }
}

/** A field's value as the API spells it, from a control. */
function readControl({ input, spec, widget }, zone) {
  if (widget) return widget.read();
  const type = typeOf(spec);
  if (input.tagName === "FIELDSET") return [...input.querySelectorAll("input:checked")].map((box) => box.value);
  if (type === "boolean") return input.checked;
  const raw = input.value;
  if (raw === "") return isNullable(spec) ? null : type === "string" ? "" : undefined;
  if (type === "integer") return Number.parseInt(raw, 10);
  if (type === "number") return Number.parseFloat(raw);
  if (type === "array" || type === "object") return JSON.parse(raw);
  if (spec.format === "date-time") return wallToIso(raw, zone);
  return raw;
}

function writeControl({ input, spec, widget }, value, zone) {
  const type = typeOf(spec);
  if (widget) widget.write(value);
  else if (input.tagName === "FIELDSET") {
    const wanted = new Set(value || []);
    for (const box of input.querySelectorAll("input")) box.checked = wanted.has(box.value);
  } else if (type === "boolean") input.checked = Boolean(value);
  else if (value === null || value === undefined) {
    input.value = spec.format === "color" ? "#5c6b7a" : "";
    // a required choice has no blank option: show the first one, which is what will be sent
    if (input.tagName === "SELECT" && input.selectedIndex === -1) input.selectedIndex = 0;
  }
  else if (type === "array" || type === "object") input.value = JSON.stringify(value);
  else if (spec.format === "date-time") input.value = isoToWall(value, zone);
  else input.value = String(value);
}

const same = (spec, a, b) => {
  if (spec.format === "date-time" && a && b) return Date.parse(a) === Date.parse(b);
  const norm = (v) => (v === undefined || v === "" ? null : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
};

/**
 * A form for `schema`. `values` fills it (edit), `refs` turns *_id fields into pickers,
 * `zone` is the time zone date-times are typed in. `onSubmit(body, form)` gets only the
 * changed fields when editing (all filled ones when creating) and the read `version`.
 * `replaces`: the endpoint stores the body as the whole item (a PUT), so an edit sends every
 * filled field like a creation does; only the changed ones would erase the rest.
 * `omit`: fields edited elsewhere on the page (an event's logo is an upload, not a URL box);
 * a replacing form sends their stored values unchanged.
 */
export function schemaForm({ schema, values = null, refs = {}, zone = "UTC", submitLabel = "Save", onSubmit, extra = null, name = "", replaces = false, omit = [] }) {
  const required = new Set(schema?.required || []);
  const controls = new Map();
  let original = values ? { ...values } : null;
  let version = values?.version ?? null;
  const errorSummary = h("div", { class: "form-error", role: "alert", hidden: true });
  const conflictBox = h("section", { class: "conflict", hidden: true, "aria-live": "assertive" });
  const rows = editableFields(schema).filter(([field]) => !omit.includes(field)).map(([field, spec]) => {
    const id = uid(`f-${field}`);
    const widget = widgetFor(field, spec, { id, required: required.has(field) && !values });
    const input = widget ? widget.input : control(field, spec, { id, refs, required: required.has(field) && !values });
    const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
    const hint = spec.description ? h("p", { class: "hint", id: `${id}-hint` }, spec.description) : null;
    const described = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(" ");
    input.setAttribute("aria-describedby", described);
    controls.set(field, { input, spec, error, widget });
    const labelText = fieldLabel(field) + (required.has(field) ? " (required)" : "");
    const element = widget ? widget.element : input;
    if (input.tagName === "FIELDSET") return h("div", { class: "field", "data-field": field }, element, hint, error);
    const label = h("label", { for: id }, labelText, spec.format === "date-time" ? [" (", h("span", { class: "zone" }, zone), ")"] : null);
    const inline = input.type === "checkbox";
    return h("div", { class: inline ? "field inline" : "field", "data-field": field }, inline ? [element, label] : [label, element], hint, error);
  });
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h("form", { class: "schema-form", novalidate: true, "aria-label": name || submitLabel }, errorSummary, conflictBox, rows, extra, h("div", { class: "actions" }, button));

  // An event's own form: its dates are typed in the time zone chosen in the same form.
  const typingZone = () => {
    const picked = controls.get("timezone")?.input.value.trim();
    return picked && zoneOrUtc(picked) === picked ? picked : zone;
  };
  const showTypingZone = () => {
    for (const shown of form.querySelectorAll("label .zone")) shown.textContent = typingZone();
  };
  controls.get("timezone")?.input.addEventListener("input", showTypingZone);
  controls.get("timezone")?.input.addEventListener("change", showTypingZone);

  const fill = (data) => {
    const shownIn = controls.has("timezone") && data?.timezone ? zoneOrUtc(data.timezone) : zone;
    for (const [field, held] of controls) writeControl(held, data?.[field], shownIn);
  };
  fill(values);

  const clearErrors = () => {
    errorSummary.hidden = true;
    for (const { input, error } of controls.values()) {
      error.hidden = true;
      error.textContent = "";
      input.removeAttribute("aria-invalid");
    }
  };

  const showErrors = (message, fields = {}) => {
    clearErrors();
    errorSummary.textContent = message;
    errorSummary.hidden = false;
    let first = null;
    for (const [field, problem] of Object.entries(fields)) {
      const found = controls.get(field);
      if (!found) continue;
      found.error.textContent = `${fieldLabel(field)} ${problem}`;
      found.error.hidden = false;
      if (!found.widget) found.input.setAttribute("aria-invalid", "true");
      first = first || (found.widget ? found.widget.focusTarget() : found.input);
    }
    (first || errorSummary).focus?.();
  };

  /** The body to send; throws {fields} for values the browser can already tell are wrong. */
  const read = () => {
    const body = {};
    const problems = {};
    for (const [field, held] of controls) {
      const { spec } = held;
      let value;
      try {
        value = readControl(held, typingZone());
      } catch (err) {
        problems[field] = err.problem || "must be valid JSON";
        continue;
      }
      if (value === undefined) continue;
      if (original && !replaces) {
        if (!same(spec, value, original[field])) body[field] = value;
      } else if (value !== null && value !== "" && !(Array.isArray(value) && !value.length) && !(typeOf(spec) === "boolean" && !value)) {
        body[field] = value;
      }
    }
    if (replaces && original) {
      for (const field of omit) if (original[field] !== undefined && original[field] !== null) body[field] = original[field];
    }
    const wrong = Object.keys(problems);
    if (wrong.length) throw Object.assign(new Error(`Check ${wrong.map((field) => fieldLabel(field)).join(", ")}: not sent.`), { fields: problems });
    if (original && schema.properties?.version) body.version = version;
    return body;
  };

  /** Show what changed meanwhile; the typed values stay in the form. */
  const showConflict = (err, reload) => {
    const current = err.current || {};
    const changed = editableFields(schema).filter(([field, spec]) => original && !same(spec, current[field], original[field]));
    conflictBox.replaceChildren(
      h("h3", {}, "This item changed meanwhile"),
      h("p", {}, err.message, " Your edits are still in the form."),
      changed.length
        ? h("table", { class: "changes" }, h("caption", {}, "Changed by someone else"),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "You read"), h("th", { scope: "col" }, "Now stored"))),
          h("tbody", {}, changed.map(([field]) => h("tr", {}, h("th", { scope: "row" }, fieldLabel(field)),
            h("td", {}, show(original[field])), h("td", {}, show(current[field]))))))
        : h("p", {}, "No field you can edit differs; only the version moved on."),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "reapply", onclick: () => reapply(current, err.currentVersion) }, "Re-apply my edits"),
        h("button", { type: "button", onclick: () => { adopt(current, err.currentVersion, true); reload?.(current); } }, "Reload (discard my edits)")),
    );
    conflictBox.hidden = false;
    conflictBox.querySelector("button.reapply").focus();
  };

  /** Only the fields this user changed (against what they read) go on top of the stored item. */
  const reapply = (current, newVersion) => {
    const mine = {};
    for (const [field, held] of controls) {
      const { spec } = held;
      let value;
      try {
        value = readControl(held, typingZone());
      } catch {
        continue;
      }
      if (value !== undefined && !same(spec, value, original?.[field])) mine[field] = value;
    }
    adopt(current, newVersion, true);
    for (const [field, value] of Object.entries(mine)) {
      writeControl(controls.get(field), value, zone);
    }
    form.requestSubmit();
  };

  const adopt = (current, newVersion, refill) => {
    original = { ...current };
    version = newVersion ?? current.version;
    conflictBox.hidden = true;
    if (refill) fill(current);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    conflictBox.hidden = true;
    let body;
    try {
      body = read();
    } catch (err) {
      showErrors(err.message, err.fields);
      return;
    }
    button.disabled = true;
    try {
      const saved = await onSubmit(body, api);
      if (saved && original) adopt(saved, saved.version, true);
    } catch (err) {
      if (err.status === 409 && err.current) showConflict(err, null);
      else showErrors(err.message, err.fields);
    } finally {
      button.disabled = false;
    }
  });
  const api = { form, showErrors, fill, read, controls };
  return api;
}

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
