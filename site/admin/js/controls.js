// Form controls richer than one input: a time-zone picker and a list of named links. Each is a
// widget {element, input, read(), write(value), focusTarget()}: forms.js lays it out like any
// control, and read() throws an error with `problem` for a value the browser can already refuse.
import { h, uid } from "./dom.js";
import { offsetMinutes, timeZones } from "./tz.js";

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const LINK_NAME_MAX = 100;

function offsetText(zone) {
  try {
    const minutes = offsetMinutes(zone, new Date());
    const sign = minutes < 0 ? "−" : "+";
    const abs = Math.abs(minutes);
    return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  } catch {
    return "";
  }
}

/** A searchable time-zone picker: a filter box narrows a select of the IANA zones. */
export function zonePicker({ id, name, required }) {
  const zones = timeZones();
  const select = h("select", { id, name, required: required || undefined });
  const filter = h("input", { type: "search", id: `${id}-filter`, autocomplete: "off", placeholder: "Filter: Berlin, Asia, …", "aria-label": "Filter the time zones", "aria-controls": id });
  let stored = "";
  const matches = (zone, needle) => zone.toLowerCase().includes(needle) || zone.replace(/_/g, " ").toLowerCase().includes(needle);
  // Only the matching zones are offered; when the choice so far is filtered out, the first match
  // is picked (and announced by a change event), so what the select shows is what is sent.
  const options = (wanted) => {
    const picked = select.value;
    const needle = wanted.trim().toLowerCase();
    const known = zones.includes(stored) || !stored ? zones : [stored, ...zones];
    const found = known.filter((zone) => !needle || matches(zone, needle));
    const shown = found.length ? found : known.filter((zone) => zone === picked);
    const blank = required || needle ? [] : [h("option", { value: "" }, "— not set (UTC) —")];
    select.replaceChildren(...blank, ...shown.map((zone) => h("option", { value: zone }, `${zone.replace(/_/g, " ")} (${offsetText(zone)})`)));
    select.value = shown.includes(picked) || (!picked && blank.length) ? picked : shown[0] || "";
    if (select.value !== picked) select.dispatchEvent(new Event("change", { bubbles: true }));
  };
  filter.addEventListener("input", () => options(filter.value));
  options("");
  return {
    element: h("div", { class: "zone-picker" }, filter, select),
    input: select,
    read: () => select.value,
    write: (value) => {
      stored = value || "";
      filter.value = "";
      options("");
      select.value = stored;
    },
    focusTarget: () => select,
  };
}

/** Named links ({name, url} rows): add and remove rows; a URL must be http(s). */
export function linksEditor({ id, name, legend }) {
  const rows = h("ol", { class: "link-rows" });
  const add = h("button", { type: "button", class: "small" }, "Add a link");
  const fieldset = h("fieldset", { class: "links", id, "data-field": name }, h("legend", {}, legend), rows, add);
  let bad = null;

  const renumber = () => [...rows.children].forEach((row, index) => {
    const n = index + 1;
    row.querySelector(".link-name").setAttribute("aria-label", `Link ${n} name`);
    row.querySelector(".link-url").setAttribute("aria-label", `Link ${n} URL`);
    row.querySelector("button").textContent = `Remove link ${n}`;
  });

  const addRow = (link = {}) => {
    const nameId = uid(`${id}-name`);
    const row = h("li", { class: "link-row" },
      h("input", { type: "text", id: nameId, class: "link-name", maxlength: LINK_NAME_MAX, placeholder: "Mastodon", value: link.name || "" }),
      h("input", { type: "url", class: "link-url", maxlength: 2000, placeholder: "https://", value: link.url || "" }),
      h("button", { type: "button", class: "small danger", onclick: () => {
        const next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumber();
        (next?.querySelector("input") || add).focus();
      } }, "Remove"));
    rows.append(row);
    renumber();
    return row;
  };
  add.addEventListener("click", () => addRow().querySelector("input").focus());

  const read = () => {
    bad = null;
    for (const input of rows.querySelectorAll("input")) input.removeAttribute("aria-invalid");
    const links = [];
    [...rows.children].forEach((row, index) => {
      const linkName = row.querySelector(".link-name").value.trim();
      const urlInput = row.querySelector(".link-url");
      const url = urlInput.value.trim();
      if (!linkName && !url) return;
      if (!URL_PATTERN.test(url) && !bad) {
        bad = urlInput;
        urlInput.setAttribute("aria-invalid", "true");
        throw Object.assign(new Error("not a web address"), {
          problem: `must use http:// or https:// URLs: link ${index + 1} is “${url || "empty"}”`,
        });
      }
      links.push({ name: linkName, url });
    });
    return links;
  };

  return {
    element: fieldset,
    input: fieldset,
    read,
    write: (value) => {
      rows.replaceChildren();
      for (const link of Array.isArray(value) ? value : []) addRow(link);
    },
    focusTarget: () => bad || rows.querySelector("input") || add,
  };
}

/** Whether an array field holds named links ({name, url} objects). */
export function isLinkList(spec) {
  const props = spec?.items?.properties;
  return Boolean(props && props.name && props.url && Object.keys(props).length === 2);
}
