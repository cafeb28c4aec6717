// An event's team: members (remove one, hand the ownership to one), pending invites (withdraw
// one), and the invite form. After each act the view is drawn again from the server's answer.
import { api, bodySchema, declares } from "./api.js";
import { announce, h } from "./dom.js";
import { schemaForm } from "./forms.js";
import { page, state, me } from "./app.js";
import { referencesFor } from "./events.js";
import { label } from "./labels.js";

const MANAGERS = ["admin", "owner", "organizer"];
const nameOf = (member) => member.user?.name || member.user?.id || "member";

function memberRow(ctx, member, { mayManage, mayTransfer, owner, redraw }) {
  const name = nameOf(member);
  const act = (work) => async () => {
    try {
      if (await work()) redraw();
    } catch (err) {
      announce(err.message, "error");
    }
  };
  const remove = mayManage && member.role !== "owner" && declares(state.doc, "delete", "/events/{}/roles/{}")
    ? h("button", { type: "button", class: "danger", onclick: act(async () => {
      if (!confirm(`Remove ${name} (${label(member.role).toLowerCase()}) from “${ctx.event.name}”?`)) return false;
      await api("DELETE", `${ctx.base}/roles/${member.user.id}`);
      announce(`${name} removed from the team.`);
      return true;
    }) }, `Remove ${name}`) : null;
  const transfer = mayTransfer && member.role !== "owner" && declares(state.doc, "post", "/events/{}/owner")
    ? h("button", { type: "button", onclick: act(async () => {
      const from = owner ? nameOf(owner) : "the current owner";
      if (!confirm(`Make ${name} the owner of “${ctx.event.name}”? ${from} stays on the team as an organizer.`)) return false;
      await api("POST", `${ctx.base}/owner`, { body: { user_id: member.user.id } });
      announce(`${name} owns “${ctx.event.name}” now; ${from} is an organizer.`);
      return true;
    }) }, `Make ${name} the owner`) : null;
  return h("tr", { "data-user": member.user?.id },
    h("th", { scope: "row" }, name), h("td", {}, label(member.role)),
    h("td", { class: "actions" }, transfer, remove));
}

function inviteRow(ctx, invite, { mayManage, redraw }) {
  const withdraw = mayManage && declares(state.doc, "delete", "/events/{}/invites/{}")
    ? h("button", { type: "button", class: "danger", onclick: async () => {
      if (!confirm(`Withdraw the invite to ${invite.email}? Its link stops working.`)) return;
      try {
        await api("DELETE", `${ctx.base}/invites/${invite.id}`);
        announce(`Invite to ${invite.email} withdrawn.`);
        redraw();
      } catch (err) {
        announce(err.message, "error");
      }
    } }, `Withdraw the invite to ${invite.email}`) : null;
  return h("tr", { "data-invite": invite.id },
    h("th", { scope: "row" }, invite.email), h("td", {}, label(invite.role)),
    h("td", {}, invite.expires_at ? new Date(invite.expires_at * 1000).toLocaleDateString() : "—"),
    h("td", { class: "actions" }, withdraw));
}

/** The Team section of an event. */
export async function teamView(ctx, nav) {
  const [answer, user] = await Promise.all([api("GET", `${ctx.base}/roles`), me()]);
  const members = answer.roles || [];
  const owner = members.find((m) => m.role === "owner");
  const mayManage = MANAGERS.includes(ctx.role);
  // Only the owner (or an admin) hands the ownership on.
  const mayTransfer = ctx.role === "admin" || (owner && owner.user?.id === user?.id);
  const redraw = () => teamView(ctx, nav);
  const table = (caption, headers, rows) => h("div", { class: "table-scroll" }, h("table", { class: "list" },
    h("caption", {}, caption), h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)));
  const invites = answer.invites || [];
  const schema = bodySchema(state.doc, "post", "/events/{}/roles");
  const refs = mayManage && schema ? await referencesFor(ctx, schema) : {};
  const form = mayManage && schema ? schemaForm({
    schema, refs, submitLabel: "Send the invite", name: "Invite someone",
    onSubmit: async (body) => {
      await api("POST", `${ctx.base}/roles`, { body });
      announce(`Invite sent to ${body.email}.`);
      redraw();
      return null;
    },
  }) : null;
  if (form) showTracksFor(form);
  page(`Team · ${ctx.event.name}`, nav,
    table("Members", ["Name", "Role", "Actions"], members.map((m) => memberRow(ctx, m, { mayManage, mayTransfer, owner, redraw }))),
    h("h2", {}, "Pending invites"),
    invites.length ? table("Invites not accepted yet", ["Email", "Role", "Expires", "Actions"],
      invites.map((i) => inviteRow(ctx, i, { mayManage, redraw }))) : h("p", { class: "empty" }, "No pending invites."),
    form ? h("section", { "aria-labelledby": "invite-title" }, h("h2", { id: "invite-title" }, "Invite someone"), form.form) : null);
}

// Roles limited to some of the event's tracks; only they are asked which.
const TRACK_ROLES = ["track_organizer", "reviewer"];

/** Show the track picker while the chosen role is one limited to tracks (and clear it otherwise). */
function showTracksFor(form) {
  const role = form.controls.get("role")?.input;
  const tracks = form.form.querySelector('[data-field="track_ids"]');
  if (!role || !tracks) return;
  const toggle = () => {
    tracks.hidden = !TRACK_ROLES.includes(role.value);
    if (tracks.hidden) for (const box of tracks.querySelectorAll("input:checked")) box.checked = false;
  };
  role.addEventListener("change", toggle);
  toggle();
}
