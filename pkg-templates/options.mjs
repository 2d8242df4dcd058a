// Checks option names, shared by every function that takes an options object. A
// misspelt option (`expectedID`, `tolerance`) would otherwise be ignored silently,
// leaving the default in place while the caller believes it set something; for a
// check such as readReturnUrl's expectedId, that skips the check.

/**
 * Throws a TypeError naming the first option of `options` that is not in
 * `allowedNames`, and listing those. `undefined` and `null` mean no options.
 */
export function checkOptionNames(fnName, options, allowedNames) {
  if (options === undefined || options === null) return;
  if (typeof options !== "object") {
    throw new TypeError(`${fnName}: options must be an object`);
  }
  for (const name of Object.keys(options)) {
    if (!allowedNames.includes(name)) {
      throw new TypeError(
        `${fnName}: unknown option ${JSON.stringify(name.slice(0, 40))}; ` +
          `the options are ${allowedNames.join(", ")}`,
      );
    }
  }
}
