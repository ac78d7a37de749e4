// Credentials (admins only): the list (GET /admin/credentials: fingerprints, roles, labels —
// never a token), a new one (POST: its token shown once, in a read-only field, never logged)
// and revocation (DELETE /admin/credentials/{fingerprint}). The worker decides; the page asks.

import { $, api, el, say } from "./api.mjs";

function row(c) {
  const revoke = c.bootstrap
    ? el("span", { class: "muted" }, "the ADMIN_TOKEN secret")
    : el("button", { type: "button", class: "danger", dataset: { fingerprint: c.fingerprint } }, "Revoke");
  if (!c.bootstrap) revoke.onclick = () => revokeOne(c);
  const created = c.createdAtMs ? new Date(c.createdAtMs).toISOString().slice(0, 16).replace("T", " ") : "";
  return el("tr", { dataset: { fingerprint: c.fingerprint, role: c.role } },
    el("td", {}, el("code", {}, c.fingerprint)), el("td", {}, c.role), el("td", {}, c.label), el("td", {}, created), el("td", {}, revoke));
}

/** Loads and shows the list. */
export async function loadCredentials() {
  const { credentials } = await api("/credentials");
  $("credentials").replaceChildren(...credentials.map(row));
  $("credentials-section").dataset.loaded = "true";
}

async function revokeOne(c) {
  if (!confirm(`Revoke ${c.label} (${c.fingerprint})? Its next request is refused.`)) return;
  try {
    await api(`/credentials/${encodeURIComponent(c.fingerprint)}`, { method: "DELETE" });
    say($("cred-state"), `${c.label} revoked.`);
    await loadCredentials();
  } catch (e) {
    say($("cred-state"), e.message, "error");
  }
}

async function create(ev) {
  ev.preventDefault();
  $("cred-new").hidden = true;
  $("cred-token").value = "";
  try {
    const body = { role: $("cred-role").value, label: $("cred-label").value };
    const made = await api("/credentials", { method: "POST", body });
    $("cred-token").value = made.token;
    $("cred-new").hidden = false;
    $("cred-label").value = "";
    say($("cred-state"), `${made.credential.role} ${made.credential.fingerprint} created.`);
    await loadCredentials();
  } catch (e) {
    say($("cred-state"), e.message, "error");
  }
}

/** Wires the form. */
export function initCredentials() {
  $("cred-form").onsubmit = create;
}
