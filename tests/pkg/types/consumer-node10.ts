// TypeScript's older `moduleResolution: node` ignores `exports`; the subpath's
// types come from `typesVersions`.
import { verifyWebhook, loadStripeConfig } from "stripe-edge";
import { verifyWebhook as verifyOnly } from "stripe-edge/webhook";

export const both = [verifyWebhook, verifyOnly, loadStripeConfig];
