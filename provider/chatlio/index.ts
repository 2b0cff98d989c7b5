export * from "./chatlio-source";
export { CHATLIO_FIELDS, EXPERIENCE_EVENT_FIELDS } from "./fields";
export { DEFAULT_MAPPINGS, TENANT } from "./mappings";
export * from "./samples";
