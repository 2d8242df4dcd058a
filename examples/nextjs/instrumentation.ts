/**
 * Runs once when the server starts. The configuration is checked here, so a
 * mistake shows in the first lines of the log rather than at the first buyer.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { shopConfig } = await import("./lib/config");

  const result = shopConfig();
  if (result.ok) {
    const { config } = result;
    console.log(
      `shop config ok backend=${config.backend} mode=${config.stripe.mode} stand-in=${config.stripeJsMockUrl !== null}`,
    );
    for (const warning of config.stripe.warnings) {
      console.log(`shop config warning ${warning.code}: ${warning.message}`);
    }
    return;
  }

  const { code, variable, message } = result.problem;
  // A secret key in a NEXT_PUBLIC_* variable is on its way to every browser:
  // refuse to serve at all. Anything else leaves the webhook routes working
  // and the shop's pages saying payments are unavailable.
  if (code === "secret_in_public_variable" || code === "secret_in_browser") {
    throw new Error(`shop config refused (${code}): ${message}`);
  }
  console.log(
    `shop config refused code=${code} variable=${variable ?? "-"}: ${message}`,
  );
}
