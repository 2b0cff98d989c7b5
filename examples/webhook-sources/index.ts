/**
 * Several webhook sources in one stack: Chatlio, Customer.io, Pendo, LAVA and the HTTP API source, each
 * streaming into its own dataset. Pick the sources with stack config (`pulumi new` asks for it):
 *
 *   webhook:sources       comma-separated, any of chatlio, customerio, pendo, lava, http-api (default "chatlio")
 *   webhook:forceDestroy  allow deleting the datasets while they hold events (default false)
 *   webhook:httpApiDataType           "xdm" (default) or "raw", for http-api
 *   webhook:httpApiAuthentication     true to make the HTTP API inlet require an IMS token (default false)
 *
 * Each source exports `<source>WebhookUrl` (secret) and `<source>DatasetId`; `webhookUrl` is the first
 * source's. Check one with `npx pulumi-aep-chatlio send-test-event --source pendo --output pendoWebhookUrl`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatlioSource, CustomerIoSource, HttpApiSource, LavaSource, PendoSource, WebhookSourceArgs } from "pulumi-aep-chatlio";

const config = new pulumi.Config("webhook");
const forceDestroy = config.getBoolean("forceDestroy");

/** Each webhook preset by the key `webhook:sources` names it with. */
const PRESETS: Record<string, new (name: string, args?: WebhookSourceArgs) => ChatlioSource> = {
    chatlio: ChatlioSource,
    customerio: CustomerIoSource,
    pendo: PendoSource,
    lava: LavaSource,
};
const KEYS = [...Object.keys(PRESETS), "http-api"];

const wanted = (config.get("sources") ?? "chatlio")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const unknown = wanted.filter((k) => !KEYS.includes(k));
if (unknown.length) throw new Error(`webhook:sources: unknown source ${unknown.join(", ")}; use any of ${KEYS.join(", ")}`);
if (!wanted.length) throw new Error(`webhook:sources is empty: name at least one of ${KEYS.join(", ")}`);

const outputs: Record<string, pulumi.Output<string>> = {};
for (const key of wanted) {
    const name = key === "http-api" ? "httpApi" : key;
    if (key === "http-api") {
        const source = new HttpApiSource("http-api", {
            dataType: config.get("httpApiDataType") === "raw" ? "raw" : "xdm",
            authenticationRequired: config.getBoolean("httpApiAuthentication") ?? false,
            forceDestroy,
        });
        outputs[`${name}WebhookUrl`] = source.webhookUrl;
        outputs[`${name}DatasetId`] = source.datasetId;
        outputs[`${name}FlowId`] = source.flowId;
        outputs[`${name}SchemaId`] = source.schemaId;
        outputs[`${name}SenderInstructions`] = source.senderInstructions;
    } else {
        const source = new PRESETS[key](key, { forceDestroy });
        outputs[`${name}WebhookUrl`] = source.webhookUrl;
        outputs[`${name}DatasetId`] = source.datasetId;
        outputs[`${name}DataflowId`] = source.dataflowId;
        outputs[`${name}SetupInstructions`] = source.setupInstructions;
        outputs[`${name}StreamingUrl`] = source.streamingUrl;
    }
}

export const webhookUrl = outputs[`${wanted[0] === "http-api" ? "httpApi" : wanted[0]}WebhookUrl`];
export const chatlioWebhookUrl = outputs.chatlioWebhookUrl;
export const chatlioDatasetId = outputs.chatlioDatasetId;
export const chatlioSetupInstructions = outputs.chatlioSetupInstructions;
export const customerioWebhookUrl = outputs.customerioWebhookUrl;
export const customerioDatasetId = outputs.customerioDatasetId;
export const customerioSetupInstructions = outputs.customerioSetupInstructions;
export const pendoWebhookUrl = outputs.pendoWebhookUrl;
export const pendoDatasetId = outputs.pendoDatasetId;
export const pendoSetupInstructions = outputs.pendoSetupInstructions;
export const lavaWebhookUrl = outputs.lavaWebhookUrl;
export const lavaDatasetId = outputs.lavaDatasetId;
export const lavaDataflowId = outputs.lavaDataflowId;
export const lavaStreamingUrl = outputs.lavaStreamingUrl;
export const lavaSetupInstructions = outputs.lavaSetupInstructions;
export const httpApiWebhookUrl = outputs.httpApiWebhookUrl;
export const httpApiDatasetId = outputs.httpApiDatasetId;
export const httpApiFlowId = outputs.httpApiFlowId;
export const httpApiSchemaId = outputs.httpApiSchemaId;
export const httpApiSenderInstructions = outputs.httpApiSenderInstructions;
