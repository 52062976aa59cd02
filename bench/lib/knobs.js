// @ts-check
// A benchmark's numeric knob from the environment: unset or empty takes the default, anything else must be a number >= 0.

/** @param {string} name @param {number} fallback */
export function num (name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`)
  return n
}
