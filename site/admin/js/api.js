// The one way the admin page talks to the API: JSON in, JSON out, errors as ApiError.
const TOKEN_KEY = "podium.token";
let config = null;
let openapi = null;

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `The API answered ${status}`);
    this.status = status;
    this.code = error.code || "error";
    this.fields = error.fields || {};
    this.current = error.current || null;
    this.currentVersion = error.current_version ?? null;
    this.details = error;
  }
}

export async function loadConfig() {
  if (!config) {
    const response = await fetch("/admin/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`config.json answered ${response.status}`);
    config = await response.json();
    config.api = config.api.replace(/\/$/, "");
  }
  return config;
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Call the API; returns the parsed JSON body or throws ApiError. */
export async function api(method, path, { body, headers = {}, query } = {}) {
  const { api: base } = await loadConfig();
  const url = new URL(base + "/v1" + path);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const sent = { Accept: "application/json", ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  const bearer = token.get();
  if (bearer) sent.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { code: "network", message: `The API is not reachable (${error.message}).` });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && bearer) token.clear();
    throw new ApiError(response.status, (data && data.error) || { message: `The API answered ${response.status}.` });
  }
  return data;
}

/** The API's OpenAPI document (fetched once). */
export async function spec() {
  if (!openapi) openapi = await api("GET", "/openapi.json");
  return openapi;
}

/** True when the API declares `method` on `path` (e.g. "/events/{event_id}/tracks"). */
export function declares(doc, method, path) {
  const found = routeOf(doc, path);
  return Boolean(found && found[method.toLowerCase()]);
}

/** The OpenAPI path item matching `path`, whatever its parameters are named. */
export function routeOf(doc, path) {
  const shape = (p) => p.replace(/^\/v1/, "").replace(/{[^}]+}/g, "{}");
  const wanted = shape(path);
  const key = Object.keys(doc.paths).find((candidate) => shape(candidate) === wanted);
  return key ? doc.paths[key] : null;
}

/** The JSON request body schema of an operation, or null. */
export function bodySchema(doc, method, path) {
  const operation = routeOf(doc, path)?.[method.toLowerCase()];
  return operation?.requestBody?.content?.["application/json"]?.schema || null;
}

/** The items of a list answer: every list route answers {items: [...], next}. */
export function listOf(answer) {
  return Array.isArray(answer?.items) ? answer.items : [];
}

/** Every page of a cursor-paginated list (bounded). */
export async function listAll(path, query = {}) {
  const all = [];
  let next = null;
  for (let page = 0; page < 50; page += 1) {
    const answer = await api("GET", path, { query: { ...query, limit: 100, next } });
    all.push(...listOf(answer));
    next = answer && answer.next;
    if (!next) break;
  }
  return all;
}

/** POST a file to a presigned POST with progress; resolves when S3 accepted it. */
export function postFile(presigned, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.fields || {})) form.append(name, value);
    form.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", presigned.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new ApiError(request.status, { message: `The upload failed (${request.status}).` }));
    request.onerror = () => reject(new ApiError(0, { message: "The upload failed: storage not reachable." }));
    request.send(form);
  });
}
