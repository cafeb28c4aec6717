// Importing an export: upload the zip (upload kind "import"), start POST /v1/imports with the
// upload's id, follow the job, then show what was made and every repair the reader reported.
import { api, postFile } from "./api.js";
import { announce, h } from "./dom.js";
import { page } from "./app.js";
import { label } from "./labels.js";

const JOB_POLL_MS = 1000;
const FINISHED = new Set(["SUCCESS", "FAILURE"]);
const REPAIR_COLUMNS = ["file", "record", "field", "action"];

export function importView() {
  const input = h("input", { type: "file", id: "import-file", accept: ".zip,application/zip" });
  const publish = h("input", { type: "checkbox", id: "import-publish" });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": "Import progress" });
  const status = h("p", { class: "import-status", role: "status", "aria-live": "polite" });
  const outcome = h("div", { class: "import-outcome" });
  const button = h("button", { type: "button", class: "primary" }, "Import");

  button.addEventListener("click", async () => {
    const file = input.files[0];
    if (!file) {
      status.textContent = "Pick an export (a zip file) first.";
      input.focus();
      return;
    }
    button.disabled = true;
    status.className = "import-status";
    outcome.replaceChildren();
    progress.hidden = false;
    try {
      const job = await runImport(file, publish.checked, (share, text) => {
        progress.value = Math.round(share * 100);
        status.textContent = text;
      });
      progress.value = 100;
      showOutcome(job, status, outcome);
    } catch (err) {
      status.textContent = err.message;
      status.className = "import-status error";
    } finally {
      button.disabled = false;
    }
  });

  page("Import an event",
    h("p", {}, "An Open Event export (a zip of the event, sessions, speakers … files, either spelling) becomes a new event of yours. ",
      "Whatever the import repairs or leaves out is listed below once it is done."),
    h("div", { class: "upload" },
      h("label", { for: "import-file" }, "Export (zip)"), input,
      h("p", {}, publish, " ", h("label", { for: "import-publish" }, "Publish it when the export says it was published (needs a confirmed email)")),
      button, progress, status),
    outcome);
}

async function runImport(file, publish, report) {
  report(0, `Uploading ${file.name}…`);
  const presigned = await api("POST", "/uploads", {
    body: { kind: "import", filename: file.name, content_type: "application/zip", size: file.size },
  });
  await postFile(presigned, file, (share) => report(share * 0.3, `Uploading ${file.name}…`));
  await api("POST", `/uploads/${presigned.id}/complete`);
  const started = await api("POST", "/imports", { body: { upload_id: presigned.id, publish } });
  for (;;) {
    const job = await api("GET", `/jobs/${started.job_id}`);
    if (FINISHED.has(job.state)) return job;
    const percent = Math.round(job.progress ?? 0);
    report(0.3 + percent / 100 * 0.7, `Importing ${file.name}… ${percent}% (${label(job.state).toLowerCase()})`);
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
  }
}

function showOutcome(job, status, outcome) {
  if (job.state !== "SUCCESS") {
    status.textContent = `The import failed: ${job.error || "no reason given"}`;
    status.className = "import-status error";
    announce("The import failed.", "error");
    return;
  }
  const result = job.result || {};
  status.textContent = result.created ? "Imported as a new event." : "Imported into the event it came from.";
  announce("Import finished.");
  const counts = Object.entries(result.counts || {}).map(([kind, count]) => `${total(count)} ${label(kind).toLowerCase()}`).join(", ");
  outcome.replaceChildren(
    h("p", {}, h("a", { href: `#/events/${result.event_id}` }, `Open the event (${result.slug})`), counts ? ` — ${counts}` : ""),
    repairReport(result));
}

// A count is a number, or numbers by state (sessions): their sum.
const total = (count) => (typeof count === "number" ? count : Object.values(count || {}).reduce((sum, n) => sum + Number(n || 0), 0));

function repairReport(result) {
  // The reader lists each repair as {file, record, field, action}; older results only as lines of text.
  const structured = Array.isArray(result.repairs);
  const repairs = structured ? result.repairs : (result.warnings || []).map((line) => ({ action: line }));
  const columns = structured ? REPAIR_COLUMNS : ["action"];
  const title = h("h2", { id: "repairs-title" }, `Repair report (${repairs.length})`);
  if (!repairs.length) return h("section", { "aria-labelledby": "repairs-title" }, title, h("p", {}, "Nothing needed repair."));
  const rows = repairs.map((repair) => h("tr", {}, columns.map((name) => h("td", {}, String(repair[name] ?? "")))));
  return h("section", { "aria-labelledby": "repairs-title" }, title,
    h("div", { class: "table-scroll" }, h("table", { class: "list repairs" },
      h("caption", {}, "What the import repaired or left out"),
      h("thead", {}, h("tr", {}, columns.map((name) => h("th", { scope: "col" }, structured ? name[0].toUpperCase() + name.slice(1) : "Repair")))),
      h("tbody", {}, rows))));
}
