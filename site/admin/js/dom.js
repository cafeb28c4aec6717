// A tiny element builder: h("button", {type: "button", onclick}, "Save").
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name in element && typeof value !== "string") element[name] = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let counter = 0;
export const uid = (prefix) => `${prefix}-${(counter += 1)}`;

export function humanize(name) {
  const text = name.replace(/_ids?$/, (m) => (m === "_ids" ? "s" : "")).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const status = () => document.getElementById("status");

// The status line belongs to the view it was said on: a navigation clears it, unless the
// message was said on the view being left just as an action moved on (app.js's go(): "Event
// created" then the new event's page), when it is about the page it leads to.
let views = 0;
let saidOn = -1;
let carried = false;

/** Announce an async result in the aria-live region. */
export function announce(message, kind = "info") {
  const region = status();
  region.textContent = message;
  region.dataset.kind = kind;
  saidOn = views;
}

/** An action is about to navigate: the message it said goes along to the next view. */
export function carryMessage() {
  carried = saidOn === views;
}

/** A new view is shown: the message said on the previous one goes, unless carried. */
export function newView() {
  views += 1;
  if (carried) saidOn = views;
  else if (status()?.textContent) {
    status().textContent = "";
    delete status().dataset.kind;
  }
  carried = false;
}
