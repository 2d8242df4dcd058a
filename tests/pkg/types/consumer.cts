// The same declarations through require(), as a CommonJS TypeScript user sees them.
import stripeEdge = require("stripe-edge");

export const header: string = stripeEdge.generateTestHeader({
  payload: "{}",
  secret: "whsec_a",
});
