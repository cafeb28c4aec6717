// File uploads: ask the API for a presigned POST, send the file with a progress bar,
// complete it, then show the thumbnail once the worker has made it.
import { api, postFile } from "./api.js";
import { announce, h, humanize, uid } from "./dom.js";

// Which upload kinds attach to which item kind, the item field that then holds the file, and
// (for an event) the image link an import may have set instead, shown while no file is uploaded.
export const UPLOAD_TARGETS = {
  event: [["event_logo", "logo_file", "logo_url"], ["event_banner", "banner_file", "banner_url"]],
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
    .map(([kind, field, linkField]) => uploadControl({ kind, field, link: linkField ? item[linkField] : null, item, eventId, reload }));
  if (!panels.length || !allowed) return null;
  return h("section", { class: "uploads", "aria-labelledby": "uploads-title" }, h("h2", { id: "uploads-title" }, "Files"), panels);
}

const PREVIEW_PX = 160;

/** The stored file (its thumbnail once made; until then `local`, the picture just sent), or the link. */
function preview(file, { link = null, local = null, what = "file" } = {}) {
  // A linked image (an import's logo_url) is named, not shown: the page's CSP loads images only
  // from the site and the uploads bucket.
  if (!file && link) return h("p", { class: "hint" }, `Current ${what}: a link, `, h("a", { href: link, target: "_blank", rel: "noopener" }, link));
  if (!file) return h("p", { class: "hint" }, `No ${what} yet.`);
  const thumbnail = Object.values(file.thumbnails || {})[0];
  const isImage = (file.content_type || "").startsWith("image/");
  return h("figure", { class: "file" },
    thumbnail ? h("img", { class: "thumbnail", src: thumbnail, alt: `Thumbnail of ${file.filename}` })
      : isImage && local ? local : null,
    h("figcaption", {}, isImage && !thumbnail ? h("span", { class: "hint thumb-pending" }, "Thumbnail on its way… ") : null,
      h("a", { href: file.url, target: "_blank", rel: "noopener" }, file.filename || "Open the file")));
}

/** What the picked file will look like, before it is sent: drawn on a canvas, since the CSP
 * allows no blob: or data: images. A file the browser cannot decode is only named. */
async function pickedPreview(file, what) {
  const caption = h("figcaption", { class: "hint" }, `New: ${file.name} (not uploaded yet)`);
  if (!(file.type || "").startsWith("image/")) return h("figure", { class: "file new" }, caption);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return h("figure", { class: "file new" }, h("p", { class: "error" }, `${file.name} is not an image this browser can read.`), caption);
  }
  const scale = Math.min(1, PREVIEW_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = h("canvas", { class: "thumbnail", width: Math.max(1, Math.round(bitmap.width * scale)), height: Math.max(1, Math.round(bitmap.height * scale)), role: "img", "aria-label": `New ${what}: ${file.name}` });
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return h("figure", { class: "file new" }, canvas, caption);
}

function uploadControl({ kind, field, link, item, eventId, reload }) {
  const id = uid("upload");
  const input = h("input", { type: "file", id, accept: kind === "slides" ? ".pdf,.pptx,.odp,.key" : "image/*" });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": `${humanize(kind)} upload progress` });
  const message = h("p", { class: "upload-status", role: "status" });
  const what = humanize(kind).toLowerCase();
  const current = h("div", { class: "current" }, preview(item[field], { link, what }));
  const picked = h("div", { class: "picked", "aria-live": "polite" });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    picked.replaceChildren(file ? await pickedPreview(file, what) : "");
  });
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
      const local = picked.querySelector("canvas");
      local?.setAttribute("aria-label", `${file.name}, as uploaded`);
      picked.replaceChildren();
      current.replaceChildren(preview(done.file, { local, what }));
      if (done.file && (done.file.content_type || "").startsWith("image/")) waitForThumbnail({ field, reload, current, what });
    } catch (err) {
      message.textContent = err.message;
      message.classList.add("error");
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "upload", "data-kind": kind },
    h("label", { for: id }, humanize(kind)), input, button, progress, message, h("div", { class: "previews" }, current, picked));
}

async function waitForThumbnail({ field, reload, current, what }) {
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
      current.replaceChildren(preview(file, { what }));
      return;
    }
  }
}
