// @acroyoga/shared - shared types, schemas, utilities, and API client
export * from "./types";
export * from "./api";
export * from "./utils";
// Schemas: import from "@acroyoga/shared/schemas/<domain>" to avoid name collisions

