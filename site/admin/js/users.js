// Admins: find accounts (by the start of the email or part of the name), make or unmake
// admins (super admins), and trash an account after a confirmation naming what goes with it.
import { api, listOf } from "./api.js";
import { announce, h } from "./dom.js";
import { page, me } from "./app.js";
import { label } from "./labels.js";
import { maybeJob } from "./progress.js";

// the site-wide role, read through labels.js like every stored value
const roleText = (user) => label(user.is_super_admin ? "super_admin" : user.is_admin ? "admin" : "member");

async function trashUser(user, place) {
  const preview = await api("GET", `/users/${user.id}/removal`);
  const events = preview.events.map((e) => `“${e.name}”`).join(", ");
  const also = preview.events.length ? ` with ${preview.events.length} event(s) only they run (${events}), ${preview.items} items in all` : "";
  if (!confirm(`Move ${user.name} (${user.email})${also} to the trash? It can be restored for 30 days.`)) return false;
  await maybeJob(await api("DELETE", `/users/${user.id}`), place, `Moving ${user.name} to the trash`);
  announce(`${user.name} moved to the trash.`);
  return true;
}

function userRow(user, { viewer, redraw }) {
  const place = h("div", { class: "job-place" });
  const act = (work) => async () => {
    try {
      if (await work()) redraw();
    } catch (err) {
      announce(err.message, "error");
    }
  };
  const self = user.id === viewer.id;
  const roleChange = viewer.is_super_admin && !self && !user.is_super_admin
    ? h("button", { type: "button", onclick: act(async () => {
      const making = !user.is_admin;
      if (!confirm(making ? `Make ${user.name} an admin? Admins see every event and account.` : `Take the admin role from ${user.name}?`)) return false;
      await api("PATCH", `/users/${user.id}`, { body: { is_admin: making } });
      announce(making ? `${user.name} is an admin now.` : `${user.name} is no longer an admin.`);
      return true;
    }) }, user.is_admin ? `Remove admin role from ${user.name}` : `Make ${user.name} an admin`) : null;
  const remove = !self && !user.is_super_admin
    ? h("button", { type: "button", class: "danger", onclick: act(() => trashUser(user, place)) }, `Trash ${user.name}`) : null;
  return h("tr", { "data-user": user.id },
    h("th", { scope: "row" }, user.name, h("br"), h("span", { class: "hint" }, user.email,
      user.email_verified ? "" : " (not confirmed)")),
    h("td", {}, roleText(user)),
    h("td", { class: "actions" }, roleChange, remove, place));
}

export async function usersView(query = new URLSearchParams()) {
  const viewer = await me();
  const wanted = query.get("q") || "";
  // An address (with "@") is looked up by its start, anything else as part of a name.
  const asked = wanted.includes("@") ? { q: wanted, limit: 100 } : { name: wanted, limit: 100 };
  let answer = await api("GET", "/users", { query: asked });
  // Each request reads a bounded part of the accounts: a part where nobody matched is read on from.
  for (let part = 1; !listOf(answer).length && answer.next && part < 20; part += 1) {
    answer = await api("GET", "/users", { query: { ...asked, next: answer.next } });
  }
  const users = listOf(answer);
  const search = h("input", { type: "search", id: "user-search", name: "q", value: wanted, maxlength: 254, placeholder: "Name or email" });
  const form = h("form", { class: "search", role: "search" }, h("label", { for: "user-search" }, "Find people"), search,
    h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/users${search.value.trim() ? `?q=${encodeURIComponent(search.value.trim())}` : ""}`;
  });
  const redraw = () => usersView(query);
  const rows = users.map((user) => userRow(user, { viewer, redraw }));
  page("People", form,
    rows.length ? h("div", { class: "table-scroll" }, h("table", { class: "list" }, h("caption", {}, "Accounts"),
      h("thead", {}, h("tr", {}, ["Person", "Role", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows))) : h("p", { class: "empty" }, wanted ? `Nobody matches “${wanted}”.` : "No accounts."),
    answer.next ? h("p", { class: "hint" }, "More may match than are shown: search to narrow the list.") : null);
}
