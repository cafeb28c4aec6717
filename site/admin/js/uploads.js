// File uploads: ask the API for a presigned POST, send the file with a progress bar,
// complete it, then show the thumbnail once the worker has made it.
import { api, postFile } from "./api.js";
import { announce, h, humanize, uid } from "./dom.js";

// Which upload kinds attach to which item kind, and the item field that then holds the file.
export const UPLOAD_TARGETS = {
  event: [["event_logo", "logo_file"], ["event_banner", "banner_file"]],
  sponsor: [["sponsor_logo", "logo_file"]],
  speaker: [["speaker_photo", "photo_file"]],
  session: [["slides", "slides_file"]],
  post: [["post_image", "image_file"]],
  speaker_profile: [["avatar", "photo_file"]], // the speaker portal's photo: the account's avatar
};
const THUMB_POLL_MS = 1000;
const THUMB_POLL_TRIES = 30;

/** Upload controls for one item; `reload()` reads the item again (for thumbnails). */
export function uploadPanel({ kinds, allowed, item, eventId, reload }) {
  const panels = (UPLOAD_TARGETS[item.kind] || [])
    .filter(([kind]) => kinds.includes(kind))
    .map(([kind, field]) => uploadControl({ kind, field, item, eventId, reload }));
  if (!panels.length || !allowed) return null;
  return h("section", { class: "uploads", "aria-labelledby": "uploads-title" }, h("h2", { id: "uploads-title" }, "Files"), panels);
}

function preview(file) {
  if (!file) return h("p", { class: "hint" }, "No file yet.");
  const thumbnail = Object.values(file.thumbnails || {})[0];
  const isImage = (file.content_type || "").startsWith("image/");
  return h("div", { class: "file" },
    thumbnail ? h("img", { class: "thumbnail", src: thumbnail, alt: `Thumbnail of ${file.filename}` })
      : isImage ? h("p", { class: "hint thumb-pending" }, "Thumbnail on its way…") : null,
    h("a", { href: file.url, target: "_blank", rel: "noopener" }, file.filename || "Open the file"));
}

function uploadControl({ kind, field, item, eventId, reload }) {
  const id = uid("upload");
  const input = h("input", { type: "file", id, accept: kind === "slides" ? ".pdf,.pptx,.odp,.key" : "image/*" });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": `${humanize(kind)} upload progress` });
  const message = h("p", { class: "upload-status", role: "status" });
  const current = h("div", { class: "current" }, preview(item[field]));
  const button = h("button", { type: "button" }, `Upload ${humanize(kind).toLowerCase()}`);

  button.addEventListener("click", async () => {
    const file = input.files[0];
    if (!file) {
      message.textContent = "Pick a file first.";
      input.focus();
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    message.textContent = `Uploading ${file.name}…`;
    try {
      const presigned = await api("POST", "/uploads", {
        body: { kind, filename: file.name, content_type: file.type || "application/octet-stream", size: file.size, event_id: eventId, target_id: item.id },
      });
      await postFile(presigned, file, (share) => { progress.value = Math.round(share * 100); });
      progress.value = 100;
      const done = await api("POST", `/uploads/${presigned.id}/complete`);
      message.textContent = `${file.name} uploaded.`;
      announce(`${file.name} uploaded.`);
      current.replaceChildren(preview(done.file));
      if (done.file && (done.file.content_type || "").startsWith("image/")) waitForThumbnail({ field, reload, current });
    } catch (err) {
      message.textContent = err.message;
      message.classList.add("error");
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "upload", "data-kind": kind },
    h("label", { for: id }, humanize(kind)), input, button, progress, message, current);
}

async function waitForThumbnail({ field, reload, current }) {
  for (let attempt = 0; attempt < THUMB_POLL_TRIES; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, THUMB_POLL_MS));
    let fresh;
    try {
      fresh = await reload();
    } catch {
      return;
    }
    const file = fresh?.[field];
    if (file && Object.keys(file.thumbnails || {}).length) {
      current.replaceChildren(preview(file));
      return;
    }
  }
}
