// The differential test against stripe-node, through the package as Node imports it
// (Node's native HMAC computes the MACs the core asks for).
import * as api from "stripe-edge";
import { stripeNodeDifferential } from "./stripe-node.mjs";

stripeNodeDifferential(api, "Node entry");
