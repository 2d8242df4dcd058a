// The bench Worker: see ../loop.mjs.
import { handleBench } from "../loop.mjs";

export default {
  fetch: handleBench,
};
