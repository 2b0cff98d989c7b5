/**
 * Adobe IMS (OAuth Server-to-Server, client credentials) and the API gateway's header checks that every
 * Platform call passes through (aep-api.md §1).
 */
import * as crypto from "crypto";
import { gatewayError, imsError } from "./errors";
import { Ctx, Reply, header } from "./http";
import { TokenInfo } from "./store";
import { sha256 } from "./util";

/**
 * POST /ims/token/v3. The fields come from the form body and, as IMS also allows, from query parameters
 * (aep-api.md §1.1); the body wins when both carry a field.
 * IMS error answers are undocumented (aep-api.md §1.1, §5.18): the emulator answers in the RFC 6749
 * style, 400 for malformed requests and unknown clients, 401 for a wrong secret.
 */
export function issueToken(ctx: Ctx): Reply {
    const form = new URLSearchParams(ctx.query);
    if (ctx.rawBody.trim()) for (const [k, v] of new URLSearchParams(ctx.rawBody)) form.set(k, v);
    const grant = form.get("grant_type");
    const clientId = form.get("client_id");
    const secret = form.get("client_secret");
    const scope = form.get("scope");
    if (!grant) throw imsError(400, "invalid_request", "grant_type is missing");
    if (grant !== "client_credentials")
        throw imsError(400, "unsupported_grant_type", `grant_type "${grant}" is not supported; use client_credentials`);
    if (!clientId) throw imsError(400, "invalid_request", "client_id is missing");
    if (!secret) throw imsError(400, "invalid_request", "client_secret is missing");
    const client = ctx.core.clients.find((c) => c.clientId === clientId);
    if (!client) throw imsError(400, "invalid_client", "unknown client_id");
    if (client.clientSecret !== secret) throw imsError(401, "invalid_client", "invalid client_secret");
    // Scopes are undocumented for AEP (aep-api.md §1.1, §5.21): any non-empty value is accepted.
    if (!scope || !scope.trim()) throw imsError(400, "invalid_scope", "scope is missing");

    const now = Date.now();
    const tokens = ctx.core.store.tokens;
    for (const [t, info] of Object.entries(tokens)) if (info.expiresAt <= now) delete tokens[t];
    const token = crypto.randomBytes(48).toString("base64url");
    // Kept by hash only, so the store file never holds a usable token.
    tokens[sha256(token)] = { clientId, orgId: client.orgId, expiresAt: now + ctx.core.tokenTtlSeconds * 1000 };
    ctx.core.store.touch();
    return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: ctx.core.tokenTtlSeconds } };
}

/**
 * The gateway checks, in the order a request meets them: Authorization, x-api-key, x-gw-ims-org-id
 * (codes and messages from aep-api.md §1.2). Returns the token's client and organisation.
 * Flow Service documents its own codes for a missing org header (2001-401 / 2002-401); the gateway sits in
 * front of it, so the emulator answers 400003 for every family.
 */
export function checkGateway(ctx: Ctx): TokenInfo {
    const auth = header(ctx, "authorization");
    if (!auth || !auth.trim()) throw gatewayError(403, "403010", "Oauth token is missing.");
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const info = m ? ctx.core.store.tokens[sha256(m[1])] : undefined;
    if (!info || info.expiresAt <= Date.now()) throw gatewayError(401, "401013", "Oauth token is not valid");
    const apiKey = header(ctx, "x-api-key");
    if (!apiKey) throw gatewayError(403, "403000", "Api Key is required");
    if (apiKey !== info.clientId) throw gatewayError(403, "403003", "Api Key is invalid");
    const org = header(ctx, "x-gw-ims-org-id");
    if (!org) throw gatewayError(400, "400003", "Missing header");
    if (org !== info.orgId) throw gatewayError(403, "403025", "Profile is not valid");
    return info;
}
