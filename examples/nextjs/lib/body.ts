// Web APIs only, so the edge routes can use it as well as the Node ones.

/**
 * The request's bytes, or null as soon as they pass `limit`: a body that lies
 * about its length, or sends none, is cut off while it streams rather than read
 * in full first.
 */
export async function readBodyUpTo(
  request: Request,
  limit: number,
): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The request's body parsed as JSON, read at most `limit` bytes far, or why
 * it was refused.
 */
export async function readJsonUpTo(
  request: Request,
  limit: number,
): Promise<
  | { ok: true; value: unknown }
  | { ok: false; problem: "too_large" | "not_json" }
> {
  const bytes = await readBodyUpTo(request, limit);
  if (bytes === null) return { ok: false, problem: "too_large" };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false, problem: "not_json" };
  }
}
