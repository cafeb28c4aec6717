// The admin page: a hash router over views built from the API's OpenAPI document.
import { api, bodySchema, declares, listAll, listOf, loadConfig, spec, token } from "./api.js";
import { announce, carryMessage, h, newView } from "./dom.js";
import { badge, label } from "./labels.js";
import { labelTablesIn } from "./cards.js";
import { schemaForm } from "./forms.js";
import { eventView } from "./events.js";
import { trashView } from "./trash.js";
import { importView } from "./imports.js";
import { speakerView } from "./speaker.js";
import { accountView, confirmEmailView } from "./account.js";
import { usersView } from "./users.js";
import { auditView } from "./audit.js";

const main = () => document.getElementById("app");
// Each page() call is numbered; `covered` keeps what the last one took off the screen, so a late
// view that covers a newer one can be undone with the newer one's own nodes (what the user typed
// and the listeners on them included), not a fresh render that would lose them.
let shown = 0;
let covered = null;
export const state = { doc: null, me: null };

/** Render `nodes` as the page; focus its heading so keyboard and screen reader users land there. */
export function page(title, ...nodes) {
  const heading = h("h1", { tabindex: "-1" }, title);
  shown += 1;
  covered = { serial: shown, title: document.title, nodes: [...main().childNodes] };
  main().replaceChildren(heading, ...nodes.flat().filter((node) => node !== null && node !== undefined && node !== false));
  document.title = `${title} · Podium admin`;
  heading.focus({ preventScroll: false });
}

export const go = (hash) => {
  if (location.hash === hash) return;
  carryMessage();
  location.hash = hash;
};

export async function me() {
  if (!state.me && token.get()) state.me = await api("GET", "/me");
  return state.me;
}

function paramsOf(hash) {
  const [path, query = ""] = hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean), query: new URLSearchParams(query) };
}

function renderNav() {
  const signedIn = Boolean(token.get());
  const links = [h("a", { href: "#/events" }, "My events")];
  if (signedIn && declares(state.doc, "get", "/me/proposals")) links.push(h("a", { href: "#/speaker" }, "My proposals"));
  if (signedIn && declares(state.doc, "get", "/trash")) links.push(h("a", { href: "#/trash" }, "Trash"));
  if (signedIn && state.me?.is_admin && declares(state.doc, "get", "/users")) links.push(h("a", { href: "#/users" }, "People"));
  if (signedIn && state.me?.is_admin && declares(state.doc, "get", "/audit")) links.push(h("a", { href: "#/audit" }, "Audit log"));
  if (signedIn) links.push(h("a", { href: "#/account" }, "Your account"));
  links.push(h("a", { href: "/" }, "Public site"));
  links.push(signedIn
    ? h("button", { type: "button", class: "link", onclick: signOut }, "Sign out")
    : h("a", { href: "#/signin" }, "Sign in"));
  document.getElementById("nav").replaceChildren(...links);
}

function signOut() {
  token.clear();
  state.me = null;
  announce("Signed out.");
  go("#/signin");
}

// -- accounts ------------------------------------------------------------------------------

function authForm(path, { submitLabel, values, onDone }) {
  const schema = bodySchema(state.doc, "post", path);
  if (!schema) return h("p", {}, "The API does not offer this yet.");
  const form = schemaForm({ schema, submitLabel, name: submitLabel, onSubmit: async (body) => onDone(await api("POST", path, { body }), body) });
  if (values) form.fill(values);
  return form.form;
}

async function signIn(body, next) {
  const answer = await api("POST", "/auth/login", { body: { email: body.email, password: body.password } });
  token.set(answer.access_token);
  state.me = null;
  renderNav();
  announce("Signed in.");
  go(next || "#/events");
}

function viewSignIn(query) {
  const next = query.get("next");
  page("Sign in",
    authForm("/auth/login", { submitLabel: "Sign in", onDone: (answer, body) => signIn(body, next) }),
    h("p", {}, h("a", { href: "#/signup" + (next ? `?next=${encodeURIComponent(next)}` : "") }, "Create an account"), " · ",
      h("a", { href: "#/reset" }, "Forgot your password?")));
}

function viewSignUp(query) {
  page("Create an account",
    authForm("/auth/signup", {
      submitLabel: "Sign up",
      onDone: async (answer, body) => {
        await signIn(body, query.get("next"));
        announce("Account created. We mailed you a link to confirm your email address; you need it to publish.");
      },
    }),
    h("p", {}, "Already have an account? ", h("a", { href: "#/signin" }, "Sign in")));
}

async function viewVerify(query) {
  page("Confirm your email", h("p", {}, "Confirming…"));
  try {
    await api("POST", "/auth/verify", { body: { token: query.get("token") || "" } });
    state.me = null;
    page("Email confirmed", h("p", { class: "ok" }, "Your email address is confirmed. You can publish events now."),
      h("p", {}, h("a", { href: token.get() ? "#/events" : "#/signin" }, token.get() ? "Go to my events" : "Sign in")));
  } catch (err) {
    page("Confirm your email", h("p", { class: "error" }, err.message));
  }
}

function viewReset(query) {
  const secret = query.get("token");
  if (secret) {
    const schema = bodySchema(state.doc, "post", "/auth/password-reset/confirm");
    const form = schemaForm({
      schema: { ...schema, properties: { password: schema.properties.password }, required: ["password"] },
      submitLabel: "Set the new password",
      onSubmit: async (body) => {
        await api("POST", "/auth/password-reset/confirm", { body: { token: secret, password: body.password } });
        announce("Password changed; sign in with the new one.");
        go("#/signin");
      },
    });
    page("Choose a new password", form.form);
    return;
  }
  page("Reset your password", authForm("/auth/password-reset", {
    submitLabel: "Mail me a reset link",
    onDone: (answer) => announce(answer.status || "If an account uses this email, a reset link is on its way."),
  }));
}

async function viewAcceptInvite(query) {
  const secret = query.get("token") || "";
  if (!token.get()) {
    page("Accept an invite", h("p", {}, "Sign in (or create an account with the invited email address) to accept."),
      h("p", {}, h("a", { href: `#/signin?next=${encodeURIComponent(location.hash)}` }, "Sign in"), " · ",
        h("a", { href: `#/signup?next=${encodeURIComponent(location.hash)}` }, "Create an account")));
    return;
  }
  const result = h("p", { role: "status" });
  page("Accept an invite", h("button", {
    type: "button", class: "primary", onclick: async () => {
      try {
        const role = await api("POST", "/invites/accept", { body: { token: secret } });
        announce(`You are now ${label(role.role).toLowerCase()} of the event.`);
        go(`#/events/${role.event_id}`);
      } catch (err) {
        result.textContent = err.message;
        result.className = "error";
      }
    },
  }, "Accept the invite"), result);
}

// -- events --------------------------------------------------------------------------------

async function viewEvents() {
  const events = listOf(await api("GET", "/events"));
  const search = h("input", { type: "search", id: "event-search", placeholder: "Name or slug" });
  const list = h("ul", { class: "cards" });
  const show = () => {
    const wanted = search.value.trim().toLowerCase();
    const shown = events.filter((e) => !wanted || `${e.name} ${e.slug}`.toLowerCase().includes(wanted));
    list.replaceChildren(...(shown.length ? shown.map((e) => h("li", {},
      h("a", { href: `#/events/${e.id}` }, e.name), " ", badge(e.state))) : [h("li", { class: "empty" }, wanted ? "No event matches." : "No events yet: create one or import an export.")]));
  };
  search.addEventListener("input", show);
  show();
  page("My events",
    h("p", { class: "actions" },
      declares(state.doc, "post", "/events") ? h("a", { class: "button primary", href: "#/events/new" }, "Create an event") : null,
      declares(state.doc, "post", "/imports") ? h("a", { class: "button", href: "#/import" }, "Import an export") : null),
    h("div", { class: "search" }, h("label", { for: "event-search" }, "Search events"), search),
    list);
}

function viewEventNew() {
  const schema = bodySchema(state.doc, "post", "/events");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const form = schemaForm({
    schema, submitLabel: "Create the event", zone,
    onSubmit: async (body) => {
      const event = await api("POST", "/events", { body });
      announce(`Event “${event.name}” created.`);
      go(`#/events/${event.id}`);
    },
  });
  // the time-zone picker starts at the zone the dates are typed in (the browser's), so the two agree
  if (form.controls.has("timezone")) form.fill({ timezone: zone });
  page("Create an event", form.form);
}

// -- router --------------------------------------------------------------------------------

const PUBLIC_ROUTES = new Set(["signin", "signup", "verify", "reset", "invites", "email"]);

async function route() {
  const { parts, query } = paramsOf(location.hash || "#/events");
  const [first = "events", ...rest] = parts;
  if (token.get()) await me().catch(() => null); // the menu shows admins' entries to admins only
  renderNav();
  if (!token.get() && !PUBLIC_ROUTES.has(first)) {
    const next = location.hash && location.hash !== "#/signin" ? location.hash : "";
    return viewSignIn(new URLSearchParams(next ? { next } : {}));
  }
  switch (first) {
    case "signin": return viewSignIn(query);
    case "signup": return viewSignUp(query);
    case "verify": return viewVerify(query);
    case "reset": return viewReset(query);
    case "invites": return viewAcceptInvite(query);
    case "trash": return trashView(query);
    case "account": return accountView();
    case "email": return confirmEmailView(query);
    case "users": return usersView(query);
    case "audit": return auditView(query);
    case "import": return importView();
    case "speaker": return speakerView(rest, query);
    case "events":
      if (!rest.length) return viewEvents();
      if (rest[0] === "new") return viewEventNew();
      return eventView(rest[0], rest.slice(1), query);
    default:
      return page("Not found", h("p", {}, "No such page. "), h("a", { href: "#/events" }, "Go to my events"));
  }
}

// Views load data before they render, so a slow earlier view can finish after the page the
// user went to next; when it does, put the newer page back as it was (or, when more than one
// late view covered it, render the current address again).
let started = 0;
let newestShown = 0;
let newestPage = 0;
// Routes still loading: while any is, <body data-routing> is set, so a test (or a script) can wait
// until the view it sees is the one that stays, not one a late earlier view will replace.
let loading = 0;

function routing(delta) {
  loading += delta;
  document.body.toggleAttribute("data-routing", loading > 0);
}

async function safeRoute() {
  routing(1);
  try {
    return await showRoute();
  } finally {
    routing(-1);
  }
}

async function showRoute() {
  const mine = (started += 1);
  try {
    await route();
    if (mine < newestShown) {
      if (covered && covered.serial === newestPage + 1) {
        main().replaceChildren(...covered.nodes);
        document.title = covered.title;
        newestPage = shown;
        return undefined;
      }
      return safeRoute();
    }
    newestShown = mine;
    newestPage = shown;
  } catch (err) {
    if (mine !== started) return undefined;
    if (err.status === 401) {
      token.clear();
      return viewSignIn(new URLSearchParams({ next: location.hash }));
    }
    page("Something went wrong", h("p", { class: "error", role: "alert" }, err.message),
      h("p", {}, h("a", { href: "#/events" }, "Go to my events")));
  }
}

export async function start() {
  try {
    await loadConfig();
    state.doc = await spec();
  } catch (err) {
    page("Podium admin", h("p", { class: "error", role: "alert" }, `The API is not reachable: ${err.message}`));
    return;
  }
  labelTablesIn(main());
  window.addEventListener("hashchange", () => {
    newView();
    safeRoute();
  });
  await safeRoute();
}

export { listAll };
