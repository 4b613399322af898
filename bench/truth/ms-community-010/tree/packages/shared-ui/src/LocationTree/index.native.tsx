export { LocationTree } from "./index.web.js";
