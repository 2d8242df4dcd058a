import * as api from "stripe-edge";
import { keysSuite } from "./keys-suite.mjs";

keysSuite(api, "ESM import");
