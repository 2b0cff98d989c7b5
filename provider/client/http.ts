import axios from "axios";
import * as http from "http";
import * as https from "https";
import { NOT_SENT_CODES } from "./retry";

/** An HTTP answer, whatever its status. */
export interface RawResponse {
  status: number;
  statusText: string;
  text: string;
  headers: Record<string, string>;
}

/** No HTTP answer. `sent`: the whole request had been handed to the network, so the server may have acted. */
export interface NetworkFailure {
  code: string;
  detail: string;
  sent: boolean;
}

export interface SendOptions {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Use a new connection (no keep-alive reuse), so a reset cannot be a stale pooled socket. */
  fresh?: boolean;
}

/**
 * One HTTP exchange. Never throws for an HTTP status, and never lets axios objects escape (their config
 * holds the Authorization header): only clean values are returned. A new axios request per call; no instance.
 */
export async function send(o: SendOptions): Promise<RawResponse | NetworkFailure> {
  try {
    const res = await axios.request({
      method: o.method,
      url: o.url,
      headers: o.headers,
      data: o.body,
      timeout: Math.max(1, o.timeoutMs),
      responseType: "text",
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
      maxRedirects: 0,
      ...(o.fresh ? { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) } : {}),
    });
    const headers: Record<string, string> = {};
    const raw = res.headers && typeof (res.headers as any).toJSON === "function" ? (res.headers as any).toJSON() : res.headers ?? {};
    for (const [k, v] of Object.entries(raw)) if (v !== undefined && v !== null) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
    const text = typeof res.data === "string" ? res.data : res.data === undefined || res.data === null ? "" : String(res.data);
    return { status: res.status, statusText: res.statusText ?? "", text, headers };
  } catch (e: any) {
    const timeout = e?.code === "ECONNABORTED" || e?.code === "ETIMEDOUT" || /timeout/i.test(String(e?.message));
    const code: string = timeout ? "ETIMEDOUT" : typeof e?.code === "string" ? e.code : "ENETWORK";
    const req = e?.request;
    // writableFinished: every byte of the request reached the OS; before that the server cannot hold the whole request.
    const sent = !NOT_SENT_CODES.includes(code) && !!(req && req.writableFinished);
    const detail = timeout ? `no answer within ${o.timeoutMs} ms` : String(e?.message ?? "network error").slice(0, 200);
    return { code, detail, sent };
  }
}

/** Parses a body as JSON when it looks like JSON; otherwise returns the text (undefined when empty). */
export function parseBody(text: string): any {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
