// Compiled, never run: how loadStripeConfig's result is typed by what it requires.
// Every `@ts-expect-error` marks a null the caller must still handle.
import {
  loadStripeConfig,
  readReturnUrl,
  parseClientSecret,
  type LoadStripeConfigOptions,
  type RequiredStripeValue,
  type StripeConfig,
  type StripeMode,
} from "stripe-edge";

const env: Record<string, string | undefined> = {};

// By default the secret key is required, so it is never null.
const byDefault = loadStripeConfig(env);
export const key: string = byDefault.secretKey;
export const mode: StripeMode = byDefault.mode;
export const noOptions: string = loadStripeConfig(env, {}).secretKey;
// @ts-expect-error the publishable key is optional by default
export const publishable: string = byDefault.publishableKey;

// Required in the list: not null either.
const both = loadStripeConfig(env, {
  required: ["secretKey", "webhookSecrets"],
});
export const bothKey: string = both.secretKey;
const browserSide = loadStripeConfig(env, { required: ["publishableKey"] });
export const browserKey: string = browserSide.publishableKey;
export const browserMode: StripeMode = browserSide.mode;
const listed = ["publishableKey", "secretKey"] as const;
export const fromConst: string = loadStripeConfig(env, { required: listed })
  .secretKey;

// A webhook-only Worker has no secret key to rely on.
const webhookOnly = loadStripeConfig(env, { required: ["webhookSecrets"] });
// @ts-expect-error the secret key may be null when not required
export const missing: string = webhookOnly.secretKey;
// @ts-expect-error no API key is required, so there may be no mode
export const noMode: StripeMode = webhookOnly.mode;
export const handled: string = webhookOnly.secretKey ?? "none";
// @ts-expect-error an empty list requires nothing
export const none: string = loadStripeConfig(env, { required: [] }).secretKey;

// A list known only as an array may lack the secret key.
const someList: RequiredStripeValue[] = ["secretKey"];
// @ts-expect-error not known to hold secretKey
export const fromArray: string = loadStripeConfig(env, { required: someList })
  .secretKey;
const options: LoadStripeConfigOptions = {};
// @ts-expect-error options typed as a whole say nothing of what is required
export const fromOptions: string = loadStripeConfig(env, options).secretKey;

// Every result is still a plain StripeConfig.
export const configs: StripeConfig[] = [byDefault, both, webhookOnly];

// Misspelt options are compile errors as well as runtime TypeErrors.
// @ts-expect-error requird is not an option
loadStripeConfig(env, { requird: ["webhookSecrets"] });
// @ts-expect-error expectedID is not an option
readReturnUrl("?payment_intent=pi_1", { expectedID: "pi_2" });
// @ts-expect-error knd is not an option
parseClientSecret("pi_1_secret_a", { knd: "payment_intent" });

// A list chosen at run time guarantees only what every choice holds.
declare const direct: boolean;
const chosen = loadStripeConfig(env, {
  required: direct ? ["secretKey", "publishableKey"] : ["publishableKey"],
});
export const chosenPublishable: string = chosen.publishableKey;
// @ts-expect-error only one of the lists holds secretKey
export const chosenSecret: string = chosen.secretKey;
