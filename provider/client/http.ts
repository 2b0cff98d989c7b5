import type { AxiosStatic } from "axios";
import * as http from "http";
import * as https from "https";

/** An HTTP answer, whatever its status. `data` is parsed JSON, the text when not JSON, undefined when empty. */
export interface RawResponse {
    status: number;
    statusText: string;
    data: any;
    /** Lowercased names. */
    headers: Record<string, string>;
}

/** No HTTP answer. `sent`: every byte of the request had reached the network, so the server may have acted. */
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
    /** A new connection (no keep-alive reuse), so a reset cannot come from a stale pooled socket. */
    fresh?: boolean;
}

/**
 * One HTTP exchange with a new axios request (no shared instance). Never throws for a status, and never lets
 * axios objects escape (their config holds the Authorization header): only clean values come back.
 */
export async function send(o: SendOptions): Promise<RawResponse | NetworkFailure> {
    // Loaded on first use: a Pulumi program that only declares resources never needs axios.
    const axios: AxiosStatic = require("axios");
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
            ...(o.fresh ? { httpAgent: new http.Agent(), httpsAgent: new https.Agent() } : {}),
        });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((res.headers as any)?.toJSON?.() ?? {}))
            if (v != null) headers[k.toLowerCase()] = [v].flat().join(", ");
        const text = typeof res.data === "string" ? res.data : "";
        let data: any = text || undefined;
        try {
            data = JSON.parse(text);
        } catch {
            // not JSON: keep the text
        }
        return { status: res.status, statusText: res.statusText ?? "", data, headers };
    } catch (e: any) {
        const timeout = e?.code === "ECONNABORTED" || e?.code === "ETIMEDOUT";
        const code: string = timeout ? "ETIMEDOUT" : typeof e?.code === "string" ? e.code : "ENETWORK";
        // writableFinished: the whole request was handed to the OS. Before that, the server cannot hold all of it.
        const sent =
            !["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(code) && !!e?.request?.writableFinished;
        return { code, detail: timeout ? `no answer within ${o.timeoutMs} ms` : String(e?.message ?? "network error").slice(0, 200), sent };
    }
}
