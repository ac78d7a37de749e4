// A refusal shown at the field it names: the worker's errors carry a path
// (`rules[3](support-hours).match.time[0].timeZone`); a form keeps a map from each path it
// writes to the control that edits it, and the error goes to the nearest one (the rules editor,
// the dry run, the simulation).

import { el } from "./api.mjs";
import { withoutNames } from "./jsonpath.mjs";

let uid = 0;

/** Removes the errors shown in `form` and their marks. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const d of form.querySelectorAll("details.invalid")) d.classList.remove("invalid");
  for (const c of form.querySelectorAll("[aria-invalid]")) {
    c.removeAttribute("aria-invalid");
    c.removeAttribute("aria-describedby");
  }
}

/** The nearest control for `field`: the path itself, else its closest parent path. */
function controlFor(field, at) {
  let path = withoutNames(field);
  while (path) {
    if (at.has(path)) return at.get(path);
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  return at.get("document");
}

/** Shows `field: message` after the control `at` maps the field (or its nearest parent) to, marked and focused. */
export function showFieldError(form, at, field, message) {
  const control = controlFor(field, at);
  const p = el("p", { class: "field-error", id: `err-${++uid}`, role: "alert", dataset: { field } }, `${field}: ${message}`);
  const rule = control.closest?.("details.rule");
  if (rule) {
    rule.open = true;
    rule.classList.add("invalid");
  }
  if (control === form) form.prepend(p);
  else if (control === rule) rule.querySelector(".rule-body").prepend(p);
  else {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", p.id);
    (control.closest(".field, .cond, .header-row, .window-row") ?? control).after(p);
    control.focus?.();
  }
  p.scrollIntoView({ block: "center" });
}

