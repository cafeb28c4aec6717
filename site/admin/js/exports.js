// Download an export from the event's page: POST /events/{id}/exports starts a job; its progress
// shows until it finishes, then a Download link (short-lived) to the Open Event zip.
import { api, declares } from "./api.js";
import { announce, h } from "./dom.js";
import { state } from "./app.js";
import { followJob } from "./progress.js";

export function exportPanel(ctx) {
  if (!declares(state.doc, "post", "/events/{}/exports") || !ctx.mayEdit) return null;
  const place = h("div", { class: "job-place" });
  const button = h("button", { type: "button", onclick: async () => {
    button.disabled = true;
    try {
      const started = await api("POST", `${ctx.base}/exports`);
      const job = await followJob(started.job_id, place, { label: "Exporting" });
      place.replaceChildren(h("p", { role: "status" }, "The export is ready: ",
        h("a", { href: job.download_url, download: `${ctx.event.slug || ctx.event.id}-openevent.zip` }, "Download the export")));
      announce("The export is ready to download.");
    } catch (err) {
      place.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
    } finally {
      button.disabled = false;
    }
  } }, "Export as Open Event");
  return h("section", { class: "export", "aria-labelledby": "export-title" }, h("h2", { id: "export-title" }, "Export"),
    h("p", { class: "hint" }, "A zip of the event, its sessions, speakers and files, as Open Event reads it; Podium imports it too."),
    button, place);
}
