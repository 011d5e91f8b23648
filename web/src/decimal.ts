// Exact decimal arithmetic on strings, as the API sends amounts: money is never a float here
// either. A Dec is an integer of units of 10^-scale.

export interface Dec {
  units: bigint;
  scale: number;
}

const DECIMAL = /^\d+(\.\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

export function dec(text: string): Dec {
  const [whole, fraction = ""] = text.trim().replace(/^-/, "").split(".");
  const units = BigInt(whole + fraction || "0");
  return { units: text.trim().startsWith("-") ? -units : units, scale: fraction.length };
}

function rescale(value: Dec, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function mul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function add(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function sub(a: Dec, b: Dec): Dec {
  return add(a, { units: -b.units, scale: b.scale });
}

export function compare(a: Dec, b: Dec): number {
  const scale = Math.max(a.scale, b.scale);
  const d = rescale(a, scale) - rescale(b, scale);
  return d === 0n ? 0 : d > 0n ? 1 : -1;
}

export function isZero(a: Dec): boolean {
  return a.units === 0n;
}

/** `a` times `percent` / 100, rounded down to a multiple of `step` (a lot or tick size). */
export function share(a: Dec, percent: number, step: Dec): Dec {
  const scaled = mul(a, { units: BigInt(percent), scale: 2 });
  return floorTo(scaled, step);
}

/** `a` divided by `b`, rounded down to a multiple of `step`. */
export function divFloor(a: Dec, b: Dec, step: Dec): Dec {
  if (b.units === 0n) return { units: 0n, scale: step.scale };
  // a / b in units of step: (a.units / 10^a.scale) / (b.units / 10^b.scale) / (step.units / 10^step.scale)
  const numerator = a.units * 10n ** BigInt(b.scale + step.scale);
  const denominator = b.units * step.units * 10n ** BigInt(a.scale);
  return { units: (numerator / denominator) * step.units, scale: step.scale };
}

export function floorTo(a: Dec, step: Dec): Dec {
  const scale = Math.max(a.scale, step.scale);
  const units = rescale(a, scale);
  const stepUnits = rescale(step, scale);
  return { units: stepUnits === 0n ? units : (units / stepUnits) * stepUnits, scale };
}

export function isMultiple(a: Dec, step: Dec): boolean {
  return compare(floorTo(a, step), a) === 0;
}

/** The decimal with `places` digits after the point, trailing zeros kept. */
export function fmt(a: Dec, places: number = a.scale): string {
  let units = a.units;
  if (places < a.scale) units = units / 10n ** BigInt(a.scale - places);
  else units = units * 10n ** BigInt(places - a.scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = places ? "." + digits.slice(digits.length - places) : "";
  return (negative ? "-" : "") + whole + fraction;
}

/** The number of decimal places a step such as "0.00010000" allows: 4. */
export function placesOf(step: string): number {
  const fraction = step.split(".")[1] ?? "";
  const trimmed = fraction.replace(/0+$/, "");
  return trimmed.length;
}

/** A decimal string without needless trailing zeros, to show. */
export function trim(text: string, places: number): string {
  return fmt(dec(text), places);
}
