/**
 * The Chatlio stack: one ChatlioSource, its outputs exported for `pulumi stack output`.
 * Run it with the Pulumi CLI (see README.md here) or locally with `npm start` at the project root.
 *
 * Options are stack config in the `chatlio` namespace, e.g. `pulumi config set chatlio:displayName Support`:
 *   displayName   start of every AEP display name (default "Chatlio")
 *   enabled       whether the dataflow accepts events (default true)
 *   extraFields   more XDM fields, as JSON: '{"rating":{"type":"string"}}'
 *   mappings      mappings added to the defaults, as JSON: '[{"source":"visitor.handle","destination":"_tenant.chatlio.visitor.name"}]'
 *   forceDestroy  allow deleting the dataset while it holds events (default false)
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatlioSource, Mapping, XdmField } from "pulumi-aep-chatlio";

const config = new pulumi.Config("chatlio");

const chatlio = new ChatlioSource("chatlio", {
    displayName: config.get("displayName") ?? "Chatlio",
    enabled: config.getBoolean("enabled") ?? true,
    extraFields: config.getObject<Record<string, XdmField>>("extraFields"),
    mappings: config.getObject<Mapping[]>("mappings"),
    forceDestroy: config.getBoolean("forceDestroy"),
});

export const streamingUrl = chatlio.streamingUrl;
export const webhookUrl = chatlio.webhookUrl;
export const datasetId = chatlio.datasetId;
export const schemaId = chatlio.schemaId;
export const dataflowId = chatlio.dataflowId;
export const sourceConnectionId = chatlio.sourceConnectionId;
export const targetConnectionId = chatlio.targetConnectionId;
export const mappingSetId = chatlio.mappingSetId;
export const setupInstructions = chatlio.setupInstructions;
