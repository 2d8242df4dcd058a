// The ESM and CommonJS builds (and the root and webhook entries) each have their own
// error classes. A brand, a global symbol on the instance, lets `instanceof` accept an
// error from any of them; this is the check every error class's
// `Symbol.hasInstance` makes.

/** Whether `value` is an instance of `target`, an error class branded `brand`. */
export function isBranded(target, base, brand, value) {
  return (
    typeof value === "object" &&
    value !== null &&
    value[brand] === true &&
    (target === base ||
      Function.prototype[Symbol.hasInstance].call(target, value))
  );
}
