// Long operations (trash or restore of many items) answer 202 with a job: follow it with a
// <progress> until it finishes, so the page never sits silent for seconds.
import { api } from "./api.js";
import { h } from "./dom.js";

const POLL_MS = 700;

/** Follow job `jobId` in `place` (an element); resolves with the job when it succeeded, throws when it failed. */
export async function followJob(jobId, place, { label = "Working", items } = {}) {
  const bar = h("progress", { max: 100, value: 0, "aria-label": `${label} progress` });
  const text = h("span", { class: "job-progress-text" }, `${label}… 0%`);
  place.replaceChildren(h("p", { class: "job-progress", role: "status" }, bar, " ", text));
  for (;;) {
    const job = await api("GET", `/jobs/${jobId}`);
    const percent = job.state === "SUCCESS" ? 100 : Math.round(job.progress ?? 0);
    bar.value = percent;
    const done = items ? ` (${Math.round((items * percent) / 100)} of ${items} items)` : "";
    text.textContent = `${label}… ${percent}%${done}`;
    if (job.state === "SUCCESS") return job;
    if (job.state === "FAILURE") throw new Error(job.error || `${label} failed.`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Run a call that may answer with a job (202: {job_id, items}); follow it in `place` when it does. */
export async function maybeJob(answer, place, label) {
  if (answer && answer.job_id) return followJob(answer.job_id, place, { label, items: answer.items });
  return answer;
}
