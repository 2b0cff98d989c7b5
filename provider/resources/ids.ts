/**
 * Shapes of AEP identifiers (aep-api.md §4.6) and the fixed ids of the Chatlio streaming pipeline, used
 * for offline validation and as defaults.
 */

/** Schema Registry `$id` of a tenant schema or field group, or a standard class. */
export const XDM_ID = /^https:\/\/ns\.adobe\.com\/[A-Za-z0-9_.-]+\/(schemas|mixins|fieldgroups|classes|context|data)\/?[A-Za-z0-9_./-]*$/;
/** A tenant field group `$id` (the registry keeps the legacy `/mixins/` segment). */
export const FIELD_GROUP_ID = /^https:\/\/ns\.adobe\.com\/[A-Za-z0-9_-]+\/mixins\/[0-9a-f]{16,64}$/;
/** A tenant schema `$id`. */
export const SCHEMA_ID = /^https:\/\/ns\.adobe\.com\/[A-Za-z0-9_-]+\/schemas\/[0-9a-f]{16,64}$/;
/** A Catalog dataset id: 24 lowercase hex characters in every example. */
export const DATASET_ID = /^[0-9a-f]{24}$/;
/** Flow Service ids (connections, flows, specs): UUIDs. */
export const FLOW_SERVICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Data Prep mapping set id: 32 lowercase hex characters. */
export const MAPPING_SET_ID = /^[0-9a-f]{32}$/;

/** The XDM ExperienceEvent class. */
export const EXPERIENCE_EVENT_CLASS = "https://ns.adobe.com/xdm/context/experienceevent";
/** Chatlio source connection spec (Adobe's Chatlio API tutorial). */
export const CHATLIO_CONNECTION_SPEC_ID = "073127a3-26e3-496c-9d94-9f48fb93fba8";
/** The HTTP API streaming provider id the Chatlio tutorial sends as `providerId`. */
export const STREAMING_PROVIDER_ID = "521eee4d-8cbe-4906-bb48-fb6bd4450033";
/** Data lake target connection spec. */
export const DATA_LAKE_CONNECTION_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
/** The streaming flow spec Chatlio dataflows use. */
export const STREAMING_FLOW_SPEC_ID = "e77fde5a-22a8-11ed-861d-0242ac120002";
/** The content type datasets, target connections and mapping sets use to name a schema version. */
export const XED_FULL_V1 = "application/vnd.adobe.xed-full+json;version=1";
