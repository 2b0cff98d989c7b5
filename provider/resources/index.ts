export * from "./field-group";
export * from "./schema";
export * from "./dataset";
export * from "./source-connection";
export * from "./target-connection";
export * from "./mapping-set";
export * from "./dataflow";
export * from "./ids";
export { UNKNOWN } from "./lifecycle";
