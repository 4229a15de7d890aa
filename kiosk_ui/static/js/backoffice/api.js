// The back office's JSON routes (/staff/api/backoffice/…): GET to read, POST (with the CSRF token that
// staffauth.js adds) to act. Errors keep the server's reason key; the screens show words for it.
import { getJson, postJson } from "../api.js";

const BASE = "/staff/api/backoffice";

export const read = (path, query = {}) => {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v !== undefined));
  return getJson(`${BASE}/${path}${search.size ? `?${search}` : ""}`);
};

export const act = (path, body = {}) => postJson(`${BASE}/${path}`, body);

export const streamUrl = (path) => `${BASE}/${path}`;
