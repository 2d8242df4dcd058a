import * as api from "stripe-edge";
import { packageSuite } from "./suite.mjs";

packageSuite(api, "ESM import");
