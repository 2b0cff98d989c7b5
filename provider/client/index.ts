/** The one AEP client: IMS token, headers, retries, paging, error mapping, redaction. Nothing here knows about Pulumi. */
export { AepClient, FAMILY_BASE, defaultAccept } from "./client";
export type { ApiFamily, AepRequest, AepResponse, ClientOptions } from "./client";
export { AepError, OutcomeUnknownError, isNotFound, parseErrorBody, redact } from "./errors";
export type { AepErrorInit, ParsedError } from "./errors";
export { parseRetryAfter } from "./retry";
export { clearTokenCache } from "./token";
