/**
 * The program the workflow in chatlio.yml previews and deploys: one ChatlioSource per stack. Each stack
 * (dev, prod) writes to the AEP sandbox the workflow names in AEP_SANDBOX_NAME, and its display names
 * carry the stack's name so the two are told apart in the AEP UI (or `chatlio:displayName`, if a stack's
 * config file sets it).
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatlioSource } from "pulumi-aep-chatlio";

const chatlio = new ChatlioSource("chatlio", {
    displayName: new pulumi.Config("chatlio").get("displayName") ?? `Chatlio ${pulumi.getStack()}`,
});

export const webhookUrl = chatlio.webhookUrl;
export const datasetId = chatlio.datasetId;
export const dataflowId = chatlio.dataflowId;
