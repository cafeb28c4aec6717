// Human labels for the values the API stores (roles, states, phases): the one map every view
// shows them through, so an organizer reads "Track organizer", never "track_organizer".
import { h, humanize } from "./dom.js";

const LABELS = {
  // roles in an event, and the site-wide ones
  owner: "Owner",
  organizer: "Organizer",
  coorganizer: "Co-organizer",
  track_organizer: "Track organizer",
  moderator: "Moderator",
  reviewer: "Reviewer",
  admin: "Site admin",
  super_admin: "Super admin",
  // event states
  draft: "Draft",
  published: "Published",
  // session (proposal) states
  pending: "Submitted",
  waitlisted: "Waitlisted",
  accepted: "Accepted",
  confirmed: "Confirmed",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
  canceled: "Canceled",
  // call for papers and review phases
  upcoming: "Not open yet",
  open: "Open",
  closed: "Closed",
  // jobs
  PENDING: "Waiting",
  STARTED: "Running",
  RETRY: "Retrying",
  SUCCESS: "Done",
  FAILURE: "Failed",
  // mail in the outbox
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  held: "Held",
  // kinds of items (the trash, the audit log, import counts)
  session_type: "Session type",
  session_types: "Session types",
  user: "Account",
  // the site-wide role of an account without one
  member: "Member",
  // choices of forms
  public: "Public",
  private: "Private",
  organizers: "Organizers only",
};

/** The label a person reads for a stored value (an unknown one is humanized, never shown raw). */
export function label(value) {
  if (value === null || value === undefined || value === "") return "—";
  return LABELS[value] ?? humanize(String(value));
}

/** A state badge: its class is the stored value (for colour), its text the label. */
export function badge(value, fallback = "draft") {
  const shown = value || fallback;
  return h("span", { class: `badge ${String(shown).toLowerCase()}`, "data-value": shown }, label(shown));
}

// Field names whose humanized spelling reads wrong ("Timezone", "Track ids").
const FIELD_LABELS = {
  timezone: "Time zone",
  logo_url: "Logo URL",
  banner_url: "Banner URL",
  ticket_url: "Ticket URL",
  slides_url: "Slides URL",
  video_url: "Video URL",
  audio_url: "Audio URL",
};

/** The label of a form field, from its API name. */
export function fieldLabel(name) {
  return FIELD_LABELS[name] ?? humanize(name);
}
