// Trellis crisis safety rules, mirrored from app/safety/alerts.py: which answers call for
// crisis help. A pure function of the answers, so help never waits for the server (and, later,
// works offline). tests/safety/test_safety_rules.py checks RULES equals the server's rules
// and that both give the same result on a shared table of cases.

/* rules:begin */
export const RULES = {
  "checkin": [
    {"code": "safety_question", "field": "safety_thoughts", "equals": true},
    {"code": "self_harm_urge_top", "field": "self_harm_urge", "at_least": 5}
  ],
  "scales": {
    "phq9": [
      {"code": "phq9_q9", "field": "q9", "at_least": 1}
    ]
  }
};
/* rules:end */

// Form fields arrive as strings ("yes", "5"); JSON from the offline queue as true or 5.
function asBoolean(value) {
  if (value === true || value === false) return value;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "yes" || word === "true") return true;
    if (word === "no" || word === "false") return false;
  }
  return null;
}

function asWholeNumber(value) {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return parseInt(value, 10);
  return null;
}

function matches(rule, value) {
  if (value === undefined || value === null || value === "") return false;
  if ("equals" in rule) return asBoolean(value) === rule.equals;
  const number = asWholeNumber(value);
  return number !== null && number >= rule.at_least;
}

// The codes of the rules these answers set off ([] when none). `kind` is "checkin" or a scale
// key such as "phq9".
export function triggers(kind, answers) {
  const rules = kind === "checkin" ? RULES.checkin : (RULES.scales[kind] || []);
  return rules.filter((rule) => matches(rule, answers[rule.field])).map((rule) => rule.code);
}
