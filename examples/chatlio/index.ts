/**
 * The Chatlio stack: one ChatlioSource, its outputs exported for `pulumi stack output`.
 * Run it with the Pulumi CLI (see README.md here) or locally with `npm start` at the project root.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatlioSource } from "pulumi-aep-chatlio";

const config = new pulumi.Config("chatlio");

const chatlio = new ChatlioSource("chatlio", {
    displayName: config.get("displayName") ?? "Chatlio",
    enabled: config.getBoolean("enabled") ?? true,
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
