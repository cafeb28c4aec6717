// Everyone's own account: the profile name and bio, and a password change with the current password.
import { api, token } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { page, state } from "./app.js";
import { fieldLabel } from "./labels.js";

function field(label, attrs) {
  const id = uid("account");
  return [h("label", { for: id }, label), h("input", { id, ...attrs })];
}

function profileForm(user) {
  const [nameLabel, name] = field("Name", { name: "name", value: user.name || "", required: true, maxlength: 200, autocomplete: "name" });
  const form = h("form", { class: "form", "aria-label": "Profile" }, h("p", {}, "Email: ", h("strong", {}, user.email)),
    h("div", { class: "field" }, nameLabel, name), h("button", { type: "submit", class: "primary" }, "Save the profile"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      state.me = await api("PATCH", "/me", { body: { name: name.value.trim() } });
      name.value = state.me.name;
      announce("Profile saved.");
    } catch (err) {
      announce(err.fields?.name ? `Name: ${err.fields.name}` : err.message, "error");
    }
  });
  return form;
}

function passwordForm() {
  const [currentLabel, current] = field("Current password", { type: "password", name: "current_password", required: true, autocomplete: "current-password" });
  const [nextLabel, next] = field("New password", { type: "password", name: "new_password", required: true, minlength: 10, autocomplete: "new-password" });
  const form = h("form", { class: "form", "aria-label": "Change the password" },
    h("div", { class: "field" }, currentLabel, current), h("div", { class: "field" }, nextLabel, next),
    h("button", { type: "submit" }, "Change the password"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const answer = await api("POST", "/me/password", { body: { current_password: current.value, new_password: next.value } });
      token.set(answer.access_token); // every earlier token stopped working
      form.reset();
      announce("Password changed. Other devices must sign in again.");
    } catch (err) {
      const named = Object.entries(err.fields || {}).map(([name, why]) => `${fieldLabel(name)}: ${why}`).join("; ");
      announce(named || err.message, "error");
    }
  });
  return form;
}

function emailForm() {
  const [emailLabel, email] = field("New email address", { type: "email", name: "email", required: true, maxlength: 254, autocomplete: "email" });
  const [currentLabel, current] = field("Current password (to change the email)", { type: "password", name: "current_password", required: true, autocomplete: "current-password" });
  const form = h("form", { class: "form", "aria-label": "Change the email" },
    h("div", { class: "field" }, emailLabel, email), h("div", { class: "field" }, currentLabel, current),
    h("button", { type: "submit" }, "Change the email"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const answer = await api("POST", "/me/email", { body: { email: email.value.trim(), current_password: current.value } });
      form.reset();
      announce(answer.status);
    } catch (err) {
      const named = Object.entries(err.fields || {}).map(([name, why]) => `${fieldLabel(name)}: ${why}`).join("; ");
      announce(named || err.message, "error");
    }
  });
  return form;
}

/** The link mailed to a new address: confirm the change (signed in or not). */
export async function confirmEmailView(query) {
  page("Confirm your new email", h("p", {}, "Confirming…"));
  try {
    const answer = await api("POST", "/auth/email-change/confirm", { body: { token: query.get("token") || "" } });
    state.me = null;
    page("Email changed", h("p", { class: "ok" }, `Your account uses ${answer.email} now; sign in with it.`),
      h("p", {}, h("a", { href: token.get() ? "#/account" : "#/signin" }, token.get() ? "Go to your account" : "Sign in")));
  } catch (err) {
    page("Confirm your new email", h("p", { class: "error", role: "alert" }, err.message));
  }
}

export async function accountView() {
  const user = await api("GET", "/me");
  state.me = user;
  page("Your account",
    h("section", { "aria-labelledby": "profile-title" }, h("h2", { id: "profile-title" }, "Profile"), profileForm(user)),
    h("section", { "aria-labelledby": "email-title" }, h("h2", { id: "email-title" }, "Email"),
      h("p", { class: "hint" }, "We mail a link to the new address; the change happens when you open it."), emailForm()),
    h("section", { "aria-labelledby": "password-title" }, h("h2", { id: "password-title" }, "Password"), passwordForm()));
}
